import Foundation

/// The local bare Git repository the platform bench uses as its GitStateStore, read back the way a
/// GitOps agent would: `git` against the bare repository, never the writer's own clone.
struct BareRepository: Sendable {
    let path: String
    let branch = "main"

    /// `git init --bare` at `path`.
    static func create(at path: String) async throws -> BareRepository {
        try await shell("git", ["init", "-q", "--bare", "-b", "main", path])
        return BareRepository(path: path)
    }

    /// The commit the branch points at, read from the ref files without running `git` (cheap enough
    /// to poll every few milliseconds); nil before the first push.
    func head() -> String? {
        if let loose = try? String(contentsOfFile: "\(path)/refs/heads/\(branch)", encoding: .utf8) {
            let sha = loose.trimmingCharacters(in: .whitespacesAndNewlines)
            if !sha.isEmpty { return sha }
        }
        // `git gc --auto` after many pushes may move the ref into packed-refs.
        guard let packed = try? String(contentsOfFile: "\(path)/packed-refs", encoding: .utf8) else { return nil }
        for line in packed.split(separator: "\n") where line.hasSuffix(" refs/heads/\(branch)") {
            return String(line.prefix { $0 != " " })
        }
        return nil
    }

    /// Paths of the files under `directory` in `revision` (default: the branch).
    func files(under directory: String, at revision: String? = nil) async throws -> [Substring] {
        let revision = revision ?? branch
        let path = self.path
        let output = try await shell("git", ["--git-dir", path, "ls-tree", "-r", "--name-only", revision, "--", directory])
        return output.split(separator: "\n")
    }

    /// `git rev-list --count` of the branch (0 before the first push).
    func commitCount() async throws -> Int {
        guard head() != nil else { return 0 }
        let path = self.path, branch = self.branch
        let output = try await shell("git", ["--git-dir", path, "rev-list", "--count", branch])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
