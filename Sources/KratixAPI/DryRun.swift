import KubeModel

/// A preview of what a Promise's resource workflow would produce for a proposed spec.
public struct DryRun: KratixResource {
    public static let apiKind = "DryRun"
    public static let plural = "dryruns"
    public static let namespaced = true

    public var apiVersion = KratixGroup.apiVersion
    public var kind = DryRun.apiKind
    public var metadata = ObjectMeta()
    public var spec = DryRunSpec()
    public var status: DryRunStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String, spec: DryRunSpec = DryRunSpec()) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }
}

public struct DryRunSpec: Codable, Sendable, Equatable {
    public var promiseRef: PromiseReference?
    /// The proposed spec, in the shape of the Promise's API.
    public var resource: JSONValue?
    public var resourceRequestRef: ResourceReference?
    public var unknownFields = UnknownFields()

    public init() {}
}

public struct DryRunStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var unknownFields = UnknownFields()

    public init() {}
}
