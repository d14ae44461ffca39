import Foundation
import Testing
@testable import KratixStateStore

/// The Git writer against a bare repository over `file://`, checked with plain `git`.
@Suite("Git writer over file://")
struct GitFileRepositoryTests {
    func writer(_ remote: BareRepo, _ tmp: TempDir, branch: String = "main", storePath: String = "",
                batchWindow: Duration = .zero, cache: String? = nil) async throws -> GitWriter {
        try await GitWriter(GitWriterConfiguration(
            url: remote.url, branch: branch, storePath: storePath, minimumFetchInterval: .zero,
            cacheDirectory: cache ?? tmp.sub("cache"), batchWindow: batchWindow))
    }

    @Test func writesReplacesAndDeletesADirectory() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let w = try await writer(remote, tmp, storePath: "/destinations/")
        let dir = "dev/resources/default/redis/example/instance-configure/5058f"
        let first = try await w.update(StateStoreUpdate(name: "redis-wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\n"),
            StateStoreFile(path: "sub/extra.yaml", text: "kind: Extra\n"),
        ]))
        #expect(first.changed)
        #expect(first.versionID == (try await remote.head()))
        #expect(await remote.show("destinations/\(dir)/redis.yaml") == "kind: Redis\n")
        #expect(await remote.show("destinations/\(dir)/sub/extra.yaml") == "kind: Extra\n")
        #expect(try await remote.log() == ["Update from: redis-wp", "seed"])
        #expect(try await remote.log("%an <%ae>|%cn <%ce>").first == "kratix <>|kratix <>")

        // Same content again: nothing changes, no commit.
        let again = try await w.update(StateStoreUpdate(name: "redis-wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\n"),
            StateStoreFile(path: "sub/extra.yaml", text: "kind: Extra\n"),
        ]))
        #expect(!again.changed)
        #expect(try await remote.log().count == 2)

        // The directory is replaced wholesale: extra.yaml disappears.
        _ = try await w.update(StateStoreUpdate(name: "redis-wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\nv: 2\n"),
        ]))
        #expect(try await remote.files().sorted() == ["README.md", "destinations/\(dir)/redis.yaml"])

        let read = try await w.readFile("\(dir)/redis.yaml")
        #expect(read.map { String(decoding: $0, as: UTF8.self) } == "kind: Redis\nv: 2\n")
        #expect(try await w.readFile("\(dir)/missing.yaml") == nil)

        let deleted = try await w.deleteDirectory(dir, name: "redis-wp")
        #expect(deleted.changed)
        #expect(try await remote.files() == ["README.md"])
        #expect(try await remote.log().first == "Delete from: redis-wp")
    }

    @Test func flatModeDeleteListAndStateFile() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp, initialFiles: ["dev/user-file.yaml": "mine\n"])
        let w = try await writer(remote, tmp)
        _ = try await w.update(StateStoreUpdate(name: "wp", directory: "dev", files: [
            StateStoreFile(path: "a.yaml", text: "a"), StateStoreFile(path: "b.yaml", text: "b"),
            StateStoreFile(path: ".kratix/default-wp.yaml", text: "files:\n- dev/a.yaml\n- dev/b.yaml\n"),
        ]))
        _ = try await w.update(StateStoreUpdate(name: "wp", directory: "dev", files: [
            StateStoreFile(path: "a.yaml", text: "a2"),
            StateStoreFile(path: ".kratix/default-wp.yaml", text: "files:\n- dev/a.yaml\n"),
        ], deletions: ["dev/b.yaml", "dev/never-existed.yaml"]))
        #expect(try await remote.files().sorted() == ["dev/.kratix/default-wp.yaml", "dev/a.yaml", "dev/user-file.yaml"])
        let onlyDelete = try await w.update(StateStoreUpdate(name: "wp", deletions: ["dev/a.yaml", "dev/.kratix/default-wp.yaml"]))
        #expect(onlyDelete.changed)
        #expect(try await remote.log().first == "Delete from: wp")
        #expect(try await remote.files() == ["dev/user-file.yaml"])
    }

    @Test func unsafePathsWriteNothing() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let w = try await writer(remote, tmp)
        let before = try await remote.head()
        for bad in ["../escape.yaml", "/etc/passwd", "ok/../../escape.yaml", ".git/config"] {
            await #expect(throws: StateStoreError.self, "\(bad)") {
                _ = try await w.update(StateStoreUpdate(name: "wp", directory: "dev", files: [
                    StateStoreFile(path: "fine.yaml", text: "x"), StateStoreFile(path: bad, text: "x"),
                ]))
            }
        }
        await #expect(throws: StateStoreError.self) {
            _ = try await w.update(StateStoreUpdate(name: "wp", directory: "../outside", files: [StateStoreFile(path: "a", text: "")]))
        }
        #expect(try await remote.head() == before)
        #expect(!FileManager.default.fileExists(atPath: tmp.sub("escape.yaml")))
        #expect(!FileManager.default.fileExists(atPath: tmp.sub("cache/escape.yaml")))
    }

    @Test func symlinkInTheRepositoryIsNotFollowed() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        // Someone commits a link pointing outside the repository.
        let seed = tmp.sub("linker")
        try await git("clone", "--quiet", remote.url, seed)
        try FileManager.default.createSymbolicLink(atPath: seed + "/dev", withDestinationPath: tmp.path)
        try await git("add", "-A", cwd: seed)
        try await git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "link", cwd: seed)
        try await git("push", "-q", "origin", "main", cwd: seed)
        let w = try await writer(remote, tmp)
        await #expect(throws: StateStoreError.self) {
            _ = try await w.update(StateStoreUpdate(name: "wp", directory: "dev", files: [StateStoreFile(path: "pwned.yaml", text: "x")]))
        }
        #expect(!FileManager.default.fileExists(atPath: tmp.sub("pwned.yaml")))
    }

    @Test func createsAMissingBranchAndWorksOnAnEmptyRepository() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let w = try await writer(remote, tmp, branch: "kratix-dev")
        try await w.validatePermissions()
        let canary = CanaryDocuments.update(destinationPath: "worker-1", mode: .nestedByMetadata)
        let r = try await w.update(canary)
        #expect(r.changed)
        #expect(try await remote.log(branch: "kratix-dev") == ["Update from: kratix-canary", "seed"])
        #expect(await remote.show("worker-1/resources/kratix-canary-configmap.yaml", branch: "kratix-dev") == CanaryDocuments.configMapDocument)
        #expect(await remote.show("worker-1/dependencies/kratix-canary-namespace.yaml", branch: "kratix-dev") == CanaryDocuments.namespaceDocument)

        let empty = try await BareRepo(tmp, name: "empty.git", initialFiles: [:])
        let w2 = try await writer(empty, tmp, cache: tmp.sub("cache2"))
        try await w2.validatePermissions()
        _ = try await w2.update(canary)
        #expect(try await empty.files().count == 2)
    }

    @Test func batchingMakesOneCommitAndReportsEachResult() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let w = try await writer(remote, tmp, batchWindow: .milliseconds(200))
        // Pre-existing content for wp-0 so that one update in the batch changes nothing.
        let results = try await withThrowingTaskGroup(of: (Int, WriteResult).self) { group in
            for i in 0..<20 {
                group.addTask {
                    (i, try await w.update(StateStoreUpdate(name: "wp-\(i)", directory: "dev/\(i)", replaceDirectory: true,
                                                           files: [StateStoreFile(path: "f.yaml", text: "\(i)\n")])))
                }
            }
            var all: [Int: WriteResult] = [:]
            for try await (i, r) in group { all[i] = r }
            return all
        }
        #expect(results.count == 20)
        #expect(results.values.allSatisfy { $0.changed })
        let log = try await remote.log()
        #expect(log.count == 2, "one batch commit plus the seed: \(log)")
        #expect(Set(results.values.map(\.versionID)) == [try await remote.head()])
        #expect(try await remote.files().count == 21)
        // A batch where one update changes nothing reports that update as unchanged.
        async let same = w.update(StateStoreUpdate(name: "wp-0", directory: "dev/0", replaceDirectory: true,
                                                   files: [StateStoreFile(path: "f.yaml", text: "0\n")]))
        async let different = w.update(StateStoreUpdate(name: "wp-1", directory: "dev/1", replaceDirectory: true,
                                                        files: [StateStoreFile(path: "f.yaml", text: "new\n")]))
        let (s, d) = try await (same, different)
        #expect(!s.changed && d.changed)
        #expect(try await remote.log().first == "Update from: wp-1")
    }

    @Test func aRejectedPushIsRetriedAfterFetchingNeverForced() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        // A long fetch interval: the writer's view is stale when someone else pushes.
        let w = try await GitWriter(GitWriterConfiguration(url: remote.url, minimumFetchInterval: .seconds(3600), cacheDirectory: tmp.sub("cache")))
        _ = try await w.update(StateStoreUpdate(name: "a", files: [StateStoreFile(path: "a.yaml", text: "a")]))
        let other = tmp.sub("other")
        try await git("clone", "--quiet", remote.url, other)
        try TempDir.writeFile(other + "/other.yaml", "o")
        try await git("add", "-A", cwd: other)
        try await git("-c", "user.name=o", "-c", "user.email=o@o", "commit", "-qm", "other", cwd: other)
        try await git("push", "-q", "origin", "main", cwd: other)
        _ = try await w.update(StateStoreUpdate(name: "b", files: [StateStoreFile(path: "b.yaml", text: "b")]))
        #expect(try await remote.log() == ["Update from: b", "other", "Update from: a", "seed"])
        #expect(try await remote.files().sorted() == ["README.md", "a.yaml", "b.yaml", "other.yaml"])
    }
}
