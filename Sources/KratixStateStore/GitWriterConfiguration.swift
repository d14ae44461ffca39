import Foundation
import KratixAPI
import KubeModel

/// Everything the Git writer needs; built from a `GitStateStore` and its Secret with
/// ``init(store:secretData:environment:)``, or directly (tests, benchmarks, `kratix dev`).
public struct GitWriterConfiguration: Sendable {
    public var url: String
    public var branch: String
    /// The store's `spec.path`; a leading `/` is dropped as upstream does.
    public var storePath: String
    public var authorName: String
    public var authorEmail: String
    public var authentication: GitAuthentication
    /// Fetch before a write only when this much time has passed since the last fetch (upstream's
    /// `git.minimumFetchInterval`, 5 s). A rejected push always fetches.
    public var minimumFetchInterval: Duration
    /// Kill any `git` command after this long (`KRATIX_EXEC_TIMEOUT`, 90 s).
    public var commandTimeout: Duration
    /// Where clones live, one directory per repository and branch. A stable directory is what lets
    /// a restarted writer find and push commits a crash left unpushed; by default a directory
    /// under the system temporary directory.
    public var cacheDirectory: String
    /// Group commit: every update waiting when the writer is free goes into one commit and one
    /// push (updates that arrive while a push runs wait for the next). Off: one commit and push
    /// per update, as upstream writes.
    public var groupCommit: Bool
    /// With group commit, how long the writer waits after the first update of a batch for more
    /// (zero: it writes as soon as it is free).
    public var batchWindow: Duration
    /// The most updates one batch holds.
    public var maxBatchSize: Int
    /// How often a rejected (non-fast-forward) push is retried after fetching and re-applying.
    public var pushAttempts: Int
    /// Upstream never verifies HTTPS certificates for Git (`GIT_SSL_NO_VERIFY=true`); keep that
    /// default for compatibility, but allow turning verification on.
    public var verifyTLS: Bool
    /// Path of the `git` binary; found on `PATH` when nil.
    public var gitExecutable: String?
    /// Told about commits and pushes as they happen (metrics; tests kill the writer here).
    public var phaseObserver: (@Sendable (GitWritePhase) async -> Void)?

    public init(url: String, branch: String = "main", storePath: String = "",
                authorName: String = "kratix", authorEmail: String = "",
                authentication: GitAuthentication = .none,
                minimumFetchInterval: Duration = .seconds(5), commandTimeout: Duration = .seconds(90),
                cacheDirectory: String? = nil, groupCommit: Bool = true, batchWindow: Duration = .zero, maxBatchSize: Int = 2_000,
                pushAttempts: Int = 10, verifyTLS: Bool = false, gitExecutable: String? = nil) {
        self.url = url
        self.branch = branch
        self.storePath = storePath
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.authentication = authentication
        self.minimumFetchInterval = minimumFetchInterval
        self.commandTimeout = commandTimeout
        self.cacheDirectory = cacheDirectory
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("kratix-repos")
        self.groupCommit = groupCommit
        self.batchWindow = batchWindow
        self.maxBatchSize = max(1, maxBatchSize)
        self.pushAttempts = max(1, pushAttempts)
        self.verifyTLS = verifyTLS
        self.gitExecutable = gitExecutable
    }

    /// Builds the configuration from a store and the decoded `data` of its Secret, with upstream's
    /// rules and error texts (spec §6.2). `environment` supplies `KRATIX_EXEC_TIMEOUT` and
    /// `KRATIX_GITHUB_APP_CREDS_EXPIRATION_DURATION` (Go durations such as `90s`, `1h`).
    public init(store: GitStateStore, secretData: [String: [UInt8]],
                environment: [String: String] = ProcessInfo.processInfo.environment,
                cacheDirectory: String? = nil) throws(StateStoreError) {
        let spec = store.spec
        let url = spec.url ?? ""
        let secretName = "\(spec.secretRef?.effectiveNamespace ?? "default")/\(spec.secretRef?.name ?? "")"
        func value(_ key: String) -> String? {
            secretData[key].map { String(decoding: $0, as: UTF8.self) }
        }
        func required(_ key: String) throws(StateStoreError) -> String {
            guard let v = value(key), !v.isEmpty else {
                throw StateStoreError(.invalidConfiguration("\(key) not found in secret \(secretName)"))
            }
            return v
        }
        let auth: GitAuthentication
        switch spec.effectiveAuthMethod {
        case .basicAuth, .githubApp:
            guard url.hasPrefix("https://") else {
                throw StateStoreError(.invalidConfiguration("invalid URL for HTTPS auth method"))
            }
            if spec.effectiveAuthMethod == .basicAuth {
                let password = try required("password")
                auth = .basic(username: GitAuthentication.basicUsername(value("username"), url: url), password: password)
            } else {
                var lifetime = Duration.seconds(3600)
                if let raw = environment["KRATIX_GITHUB_APP_CREDS_EXPIRATION_DURATION"], let d = GoDuration.parse(raw) {
                    lifetime = d
                }
                auth = .gitHubApp(GitHubAppCredentials(
                    appID: try required("appID"), installationID: try required("installationID"),
                    privateKeyPEM: try required("privateKey"), tokenLifetime: lifetime))
            }
        case .ssh:
            guard url.range(of: #"^(ssh://)?([^/:]*?)@[^@]+$"#, options: .regularExpression) != nil else {
                throw StateStoreError(.invalidConfiguration("invalid URL for SSH auth method"))
            }
            auth = .ssh(privateKey: try required("sshPrivateKey"), knownHosts: try required("knownHosts"))
        }
        var timeout = Duration.seconds(90)
        if let raw = environment["KRATIX_EXEC_TIMEOUT"], let d = GoDuration.parse(raw) { timeout = d }
        self.init(url: url, branch: spec.effectiveBranch, storePath: spec.path ?? "",
                  authorName: spec.authorName, authorEmail: spec.authorEmail, authentication: auth,
                  commandTimeout: timeout, cacheDirectory: cacheDirectory)
    }
}
