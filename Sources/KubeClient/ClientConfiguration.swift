import Foundation
import KubeModel

/// Where the API server is and how to talk to it: what a kubeconfig context or the in-cluster
/// service account resolves to. A value, so tests and tools can build one by hand.
public struct ClientConfiguration: Sendable, CustomStringConvertible {
    /// `https://127.0.0.1:6443`, without a trailing slash.
    public var server: String
    public var tls: TLSSettings
    public var credentials: Credentials
    /// The context's namespace, else `default`; in-cluster, the service account's namespace.
    public var defaultNamespace: String
    /// Sustained requests per second (client-go's default 5); `0` disables client-side limiting.
    public var qps: Double
    /// Requests allowed at once above `qps` (client-go's default 10).
    public var burst: Int
    public var userAgent: String
    /// Skip `metadata.managedFields` when reading answers: controllers never use them, and on a
    /// server that records them for every write they are half of each object's bytes. Watches
    /// always skip them (they feed informers).
    public var dropsManagedFields = false
    /// Deadline of a request that is not a watch, from sending to the last byte of the answer.
    public var requestTimeout: Duration
    /// Retries after the first attempt for retryable failures (see ``RetryPolicy``).
    public var maxRetries: Int
    /// Things the loader noticed but did not act on (a `proxy-url` it ignores); logged as warnings
    /// when a client is made from this configuration.
    public var warnings: [String]

    public init(server: String, tls: TLSSettings = .init(), credentials: Credentials = .none) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.defaultNamespace = "default"
        self.qps = 5
        self.burst = 10
        self.userAgent = "kratix/0.1.0"
        self.requestTimeout = .seconds(30)
        self.maxRetries = 3
        self.warnings = []
    }

    public var description: String {
        "ClientConfiguration(server: \(server), namespace: \(defaultNamespace), credentials: \(credentials), tls: \(tls))"
    }

    /// Finds the configuration as kubectl does: the explicit `kubeconfig` file, else the files in
    /// `KUBECONFIG` (`:`-separated, merged: the first file to define a cluster, user or context
    /// wins, and the first `current-context` set wins), else `~/.kube/config`, else the in-cluster
    /// service account.
    public static func load(
        kubeconfig: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ClientError) -> ClientConfiguration {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try fromKubeconfig(path: kubeconfig, context: context)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
            if !existing.isEmpty {
                let merged = try Kubeconfig.load(paths: existing)
                return try merged.configuration(context: context)
            }
        }
        if let home = environment["HOME"], !home.isEmpty {
            let path = home + "/.kube/config"
            if FileManager.default.fileExists(atPath: path) {
                return try fromKubeconfig(path: path, context: context)
            }
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment)
        }
        throw .configuration("no configuration found: no --kubeconfig given, KUBECONFIG names no existing file, ~/.kube/config does not exist, and KUBERNETES_SERVICE_HOST is not set (not running in a cluster)")
    }

    /// Reads one kubeconfig file and resolves `context` (or its `current-context`).
    public static func fromKubeconfig(path: String, context: String? = nil) throws(ClientError) -> ClientConfiguration {
        try Kubeconfig.load(paths: [path]).configuration(context: context)
    }
}
