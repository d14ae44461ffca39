import Foundation
import KratixAPI
import KratixStateStore

/// Builds the writer for a state store from its spec and the `data` of its Secret. A seam so the
/// manager can tune Git batching and the clone directory, and tests can count what was built.
public protocol StateStoreWriterFactory: Sendable {
    func gitWriter(for store: GitStateStore, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter
    func bucketWriter(for store: BucketStateStore, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter
}

/// The writers of `KratixStateStore`, configured with upstream's rules.
///
/// One addition to upstream: a GitStateStore whose URL is `file://…` gets a writer without
/// credentials, so `kratix dev` and tests can use a local bare repository (upstream accepts only
/// HTTPS and SSH URLs, and still does for every other URL).
public struct DefaultStateStoreWriterFactory: StateStoreWriterFactory {
    /// Where Git clones live; nil means the writer's default under the temporary directory.
    public var gitCacheDirectory: String?
    /// Git group commit: every placement waiting when the writer is free in one commit and push
    /// (off: one commit per placement, as upstream).
    public var gitGroupCommit: Bool
    /// With group commit, how long a batch waits for more after its first placement.
    public var gitBatchWindow: Duration
    /// Minimum time between fetches before a Git write (`git.minimumFetchInterval`).
    public var gitMinimumFetchInterval: Duration
    /// Supplies `KRATIX_EXEC_TIMEOUT`, the GitHub App token lifetime and, for `IAM` buckets, AWS credentials.
    public var environment: [String: String]

    public init(gitCacheDirectory: String? = nil, gitGroupCommit: Bool = true, gitBatchWindow: Duration = .zero,
                gitMinimumFetchInterval: Duration = .seconds(5), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.gitCacheDirectory = gitCacheDirectory
        self.gitGroupCommit = gitGroupCommit
        self.gitBatchWindow = gitBatchWindow
        self.gitMinimumFetchInterval = gitMinimumFetchInterval
        self.environment = environment
    }

    public func gitWriter(for store: GitStateStore, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter {
        var configuration: GitWriterConfiguration
        let url = store.spec.url ?? ""
        if url.hasPrefix("file://") {
            configuration = GitWriterConfiguration(url: url, branch: store.spec.effectiveBranch, storePath: store.spec.path ?? "",
                                                   authorName: store.spec.authorName, authorEmail: store.spec.authorEmail,
                                                   authentication: .none, cacheDirectory: gitCacheDirectory)
        } else {
            configuration = try GitWriterConfiguration(store: store, secretData: secretData, environment: environment,
                                                       cacheDirectory: gitCacheDirectory)
        }
        configuration.groupCommit = gitGroupCommit
        configuration.batchWindow = gitBatchWindow
        configuration.minimumFetchInterval = gitMinimumFetchInterval
        return try await GitWriter(configuration)
    }

    public func bucketWriter(for store: BucketStateStore, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter {
        S3Writer(try S3WriterConfiguration(store: store, secretData: secretData, environment: environment))
    }
}
