import KubeModel

/// Binds a resource request to the Promise version it should be reconciled with (`latest` or a version).
public struct ResourceBinding: KratixResource {
    public static let apiKind = "ResourceBinding"
    public static let plural = "resourcebindings"
    public static let namespaced = true

    public var apiVersion = KratixGroup.apiVersion
    public var kind = ResourceBinding.apiKind
    public var metadata = ObjectMeta()
    public var spec = ResourceBindingSpec()
    public var status: ResourceBindingStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String, spec: ResourceBindingSpec = ResourceBindingSpec()) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }
}

public struct ResourceReference: Codable, Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var generation: Int64?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}

public struct ResourceBindingSpec: Codable, Sendable, Equatable {
    public var promiseRef: PromiseReference?
    public var resourceRef: ResourceReference?
    /// `latest` or a Promise version.
    public var version: String?
    public var unknownFields = UnknownFields()

    public init(promiseRef: PromiseReference? = nil, resourceRef: ResourceReference? = nil, version: String? = nil) {
        self.promiseRef = promiseRef
        self.resourceRef = resourceRef
        self.version = version
    }
}

public struct ResourceBindingStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var lastAppliedVersion: String?
    public var failedVersion: String?
    public var unknownFields = UnknownFields()

    public init() {}
}
