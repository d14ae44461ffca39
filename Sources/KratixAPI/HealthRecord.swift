import KubeModel

/// A health observation about one resource request, written by an external checker.
/// The payload sits under `data` (there is no spec or status).
public struct HealthRecord: KratixResource {
    public static let apiKind = "HealthRecord"
    public static let plural = "healthrecords"
    public static let namespaced = true

    public var apiVersion = KratixGroup.apiVersion
    public var kind = HealthRecord.apiKind
    public var metadata = ObjectMeta()
    public var data = HealthRecordData()
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String, data: HealthRecordData = HealthRecordData()) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.data = data
    }
}

public struct HealthRecordData: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case unknown, ready, unhealthy, healthy, degraded

        /// Lower is worse: unhealthy < degraded < unknown < healthy < ready.
        public var severityRank: Int {
            switch self {
            case .unhealthy: return 0
            case .degraded: return 1
            case .unknown: return 2
            case .healthy: return 3
            case .ready: return 4
            }
        }
    }

    public struct PromiseRef: Codable, Sendable, Equatable {
        public var name: String?
        public var unknownFields = UnknownFields()

        public init(name: String) { self.name = name }
    }

    public struct ResourceRef: Codable, Sendable, Equatable {
        public var name: String?
        public var namespace: String?
        public var generation: Int64?
        public var unknownFields = UnknownFields()

        public init(name: String, namespace: String) {
            self.name = name
            self.namespace = namespace
        }
    }

    public var promiseRef: PromiseRef?
    public var resourceRef: ResourceRef?
    public var state: State?
    /// Unix seconds.
    public var lastRun: Int64?
    public var details: JSONValue?
    public var unknownFields = UnknownFields()

    public init() {}

    public var effectiveState: State { state ?? .unknown }
}
