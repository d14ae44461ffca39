import KubeModel

/// A WorkPlacement: one workload group of a Work, placed on one Destination, to be written to its state store.
public struct WorkPlacement: KratixResource {
    public static let apiKind = "WorkPlacement"
    public static let plural = "workplacements"
    public static let namespaced = true

    public var apiVersion = KratixGroup.apiVersion
    public var kind = WorkPlacement.apiKind
    public var metadata = ObjectMeta()
    public var spec = WorkPlacementSpec()
    public var status: WorkPlacementStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String, spec: WorkPlacementSpec = WorkPlacementSpec()) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }
}

public struct WorkPlacementSpec: Codable, Sendable, Equatable {
    public var targetDestinationName: String?
    public var workloads: [Workload]?
    public var promiseName: String?
    /// Empty for dependency Works, which selects the `dependencies/` layout.
    public var resourceName: String?
    /// The workload group id.
    public var id: String?
    /// The Work's `metadata.generation` at the last scheduling (JSON name `generation`).
    public var workGeneration: Int64?
    public var unknownFields = UnknownFields()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case targetDestinationName, workloads, promiseName, resourceName, id
        case workGeneration = "generation"
        case unknownFields
    }
}

public struct WorkPlacementStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    /// Git: the commit SHA of the last write that changed something; buckets: a hash of object versions.
    public var versionID: String?
    public var unknownFields = UnknownFields()

    public init() {}
}
