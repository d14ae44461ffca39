import KubeModel

/// A reference to the Secret holding a state store's credentials; an empty namespace means `default`.
public struct SecretReference: Codable, Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var unknownFields = UnknownFields()

    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }

    /// The namespace to read the Secret from.
    public var effectiveNamespace: String {
        let ns = namespace ?? ""
        return ns.isEmpty ? "default" : ns
    }
}

/// The status both state store kinds report.
public struct StateStoreStatus: Codable, Sendable, Equatable {
    /// `Ready` or `NotReady`.
    public var status: String?
    public var observedGeneration: Int64?
    public var conditions: [Condition]?
    public var unknownFields = UnknownFields()

    public init() {}
}
