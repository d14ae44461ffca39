import KubeModel

/// The controller's settings: the `config` key of the ConfigMap `kratix` in
/// `kratix-platform-system` (§10), plus the pipeline adapter image from the environment.
///
/// Read once at start-up, as upstream does. Unknown keys produce warnings rather than errors, so a
/// ConfigMap written for a newer Kratix still starts this one; a key of the wrong type is an error
/// that names it, because silently ignoring it would run workflows with settings nobody chose.
public struct KratixConfiguration: Sendable, Equatable {
    public enum ResourceBindingVersionStrategy: String, Sendable {
        /// New bindings follow the latest revision (`latest`).
        case floating
        /// New bindings pin the version that is latest when they are created.
        case pinned
    }

    public enum LogLevel: String, Sendable {
        case trace, debug, info, warning, error
    }

    public struct Workflows: Sendable, Equatable {
        /// Re-run failed configure workflows on the reconciliation interval.
        public var reconcileAfterFailure = true
        /// Job `backoffLimit` for pipelines without their own; `nil` leaves Kubernetes' default (6).
        public var defaultBackoffLimit: Int32?
        /// When positive, Pods of finished Kratix Jobs are deleted this long after the Job ended.
        public var podTTLSecondsAfterFinished: Int64?
        /// Pull policy for Kratix containers and user containers without one.
        public var defaultImagePullPolicy: String?
        /// `securityContext` for user containers without one. Upstream sets `{}` when the ConfigMap
        /// exists without the key and nothing when there is no ConfigMap; this keeps that difference.
        public var defaultContainerSecurityContext: JSONValue?
        /// `resources` for Kratix containers and user containers without their own.
        public var defaultContainerResources: JSONValue = KratixConfiguration.builtInContainerResources

        public init() {}
    }

    public struct LeaderElection: Sendable, Equatable {
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)

        public init() {}
    }

    /// Jobs kept per pipeline (per object); values below 1 mean the default, 5.
    public var numberOfJobsToKeep = 5
    /// The global periodic re-run interval.
    public var reconciliationInterval: Duration = .seconds(10 * 3600)
    public var workflows = Workflows()
    public var resourceBindingVersionStrategy = ResourceBindingVersionStrategy.floating
    public var dryRunEnabled = false
    public var selectiveCache = false
    public var leaderElection = LeaderElection()
    /// How often WorkPlacements are re-written to their state store.
    public var stateStoreReconciliationInterval: Duration = .seconds(10 * 3600)
    public var gitMinimumFetchInterval: Duration = .seconds(5)
    public var logLevel = LogLevel.info
    public var structuredLogging = true
    /// Whether `logging.level` / `logging.structured` were given: then they override the
    /// command-line flags, as upstream's config overrides its zap flags.
    public var logLevelConfigured = false
    public var structuredLoggingConfigured = false
    /// `telemetry` as written; telemetry is optional and interpreted by whoever wires it.
    public var telemetry: JSONValue?
    /// The pipeline adapter image; not part of the ConfigMap (it comes from the environment).
    public var pipelineAdapter = PipelineAdapterImage()
    /// What was ignored while reading (unknown or deprecated keys), to be logged by the caller.
    public var warnings: [String] = []

    /// Every default, as upstream runs without the ConfigMap.
    public init() {}

    /// Requests `cpu: 100m, memory: 128Mi, ephemeral-storage: 128Mi`, limits twice that.
    public static let builtInContainerResources: JSONValue = [
        "limits": ["cpu": "200m", "memory": "256Mi", "ephemeral-storage": "256Mi"],
        "requests": ["cpu": "100m", "memory": "128Mi", "ephemeral-storage": "128Mi"],
    ]

    /// Where the ConfigMap lives and which key holds the YAML.
    public static let configMapNamespace = "kratix-platform-system"
    public static let configMapName = "kratix"
    public static let configMapKey = "config"
    /// How errors name where the configuration came from.
    public static let source = "ConfigMap \(configMapNamespace)/\(configMapName), key \(configMapKey)"
}
