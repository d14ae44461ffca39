import KubeModel

/// A Work: the documents one workflow run produced, grouped by where they may be scheduled.
public struct Work: KratixResource {
    public static let apiKind = "Work"
    public static let plural = "works"
    public static let namespaced = true

    public var apiVersion = KratixGroup.apiVersion
    public var kind = Work.apiKind
    public var metadata = ObjectMeta()
    public var spec = WorkSpec()
    public var status: WorkStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String, spec: WorkSpec = WorkSpec()) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }

    /// A Work without a resource name carries Promise-level dependencies and goes to every matching Destination.
    public var isDependencyWork: Bool { (spec.resourceName ?? "").isEmpty }
}

public struct WorkSpec: Codable, Sendable, Equatable {
    /// RFC 3339; set on every run so each run bumps the Work's generation.
    public var lastExecutionTimestamp: String?
    public var promiseName: String?
    public var resourceName: String?
    public var workloadGroups: [WorkloadGroup]?
    public var unknownFields = UnknownFields()

    public init(promiseName: String? = nil, resourceName: String? = nil, workloadGroups: [WorkloadGroup]? = nil) {
        self.promiseName = promiseName
        self.resourceName = resourceName
        self.workloadGroups = workloadGroups
    }
}

/// Files from one directory of the pipeline output, scheduled together.
public struct WorkloadGroup: Codable, Sendable, Equatable {
    public var workloads: [Workload]?
    /// `.` for the root group.
    public var directory: String?
    /// Lower-case hex MD5 of `directory`.
    public var id: String?
    public var destinationSelectors: [WorkloadGroupScheduling]?
    public var unknownFields = UnknownFields()

    public init(directory: String, id: String, workloads: [Workload], destinationSelectors: [WorkloadGroupScheduling]? = nil) {
        self.directory = directory
        self.id = id
        self.workloads = workloads
        self.destinationSelectors = destinationSelectors
    }
}

public struct WorkloadGroupScheduling: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    /// `promise`, `promise-workflow` or `resource-workflow`.
    public var source: String?
    public var unknownFields = UnknownFields()

    public init(matchLabels: [String: String], source: String) {
        self.matchLabels = matchLabels
        self.source = source
    }
}

/// One file: its path relative to the pipeline output and its gzip-compressed, base64-encoded bytes.
public struct Workload: Codable, Sendable, Equatable {
    public var filepath: String?
    public var content: String?
    public var unknownFields = UnknownFields()

    public init(filepath: String, content: String) {
        self.filepath = filepath
        self.content = content
    }
}

public struct WorkStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    /// Number of workload groups in the spec.
    public var workPlacements: Int64?
    /// Groups minus those that could not be scheduled.
    public var workPlacementsCreated: Int64?
    public var unknownFields = UnknownFields()

    public init() {}
}
