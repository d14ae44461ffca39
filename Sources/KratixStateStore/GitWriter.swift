import Crypto
import Foundation

/// A ``StateStoreWriter`` for a Git repository and branch, driving the `git` CLI.
///
/// Writers with the same repository, branch, credentials and cache directory share one clone
/// (and one batch queue) in this process; different repositories proceed in parallel.
public struct GitWriter: StateStoreWriter {
    public let configuration: GitWriterConfiguration
    let repository: GitRepository

    public init(_ configuration: GitWriterConfiguration) async throws(StateStoreError) {
        self.configuration = configuration
        self.repository = try await GitRepositoryRegistry.shared.repository(for: configuration)
    }

    /// The local clone (for diagnostics and tests).
    public var cloneDirectory: String { repository.repoDir }

    /// Updates waiting for this store's writer to take them into the next commit.
    public var queuedUpdates: Int { get async { await repository.queuedUpdates } }

    public func update(_ update: StateStoreUpdate) async throws(StateStoreError) -> WriteResult {
        // Without group commit, one commit per update, as upstream writes.
        let result = configuration.groupCommit
            ? await repository.submit(update)
            : await repository.applyEach(update)
        return try result.get()
    }

    public func readFile(_ path: String) async throws(StateStoreError) -> [UInt8]? {
        try await repository.readFile(path)
    }

    public func validatePermissions() async throws(StateStoreError) {
        try await repository.validatePermissions()
    }
}

/// The process-wide map from clone directory to the actor that owns it, so two writers never drive
/// one working tree at the same time.
actor GitRepositoryRegistry {
    static let shared = GitRepositoryRegistry()
    private var repositories: [String: GitRepository] = [:]

    func repository(for configuration: GitWriterConfiguration) throws(StateStoreError) -> GitRepository {
        let root = GitRepositoryRegistry.cloneRoot(for: configuration)
        if let existing = repositories[root] { return existing }
        let repository = try GitRepository(configuration: configuration, root: root)
        repositories[root] = repository
        return repository
    }

    /// `<cache>/<name>-<hash>`: readable, and distinct per URL, branch and credentials (so a
    /// rotated Secret gets a fresh clone, as upstream does). Only a hash of the credentials is used.
    static func cloneRoot(for configuration: GitWriterConfiguration) -> String {
        var identity = configuration.url + "\n" + configuration.branch + "\n"
        switch configuration.authentication {
        case .none: identity += "none"
        case .basic(let user, let password): identity += "basic\n\(user)\n\(password)"
        case .ssh(let key, let knownHosts): identity += "ssh\n\(key)\n\(knownHosts ?? "")"
        case .gitHubApp(let app): identity += "app\n\(app.appID)\n\(app.installationID)\n\(app.privateKeyPEM)\n\(app.apiBaseURL)"
        }
        let digest = SHA256.hash(data: Array(identity.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16)
        let lastComponent = configuration.url.split(whereSeparator: { "/:".contains($0) }).last.map(String.init) ?? "repo"
        let name = lastComponent.replacingOccurrences(of: ".git", with: "").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return "\(configuration.cacheDirectory)/\(name.isEmpty ? "repo" : name)-\(digest)"
    }
}
