/// Standard object metadata (`metadata` of every Kubernetes object).
///
/// Fields this type does not declare are kept in ``unknownFields`` so a read-modify-write never drops them.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: [JSONValue]?
    public var unknownFields = UnknownFields()

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    /// `true` once the API server has set `deletionTimestamp`.
    public var isBeingDeleted: Bool { deletionTimestamp != nil }

    public func label(_ key: String) -> String? { labels?[key] }
    public func annotation(_ key: String) -> String? { annotations?[key] }

    public func hasFinalizer(_ name: String) -> Bool { finalizers?.contains(name) ?? false }

    /// Adds the finalizer if missing; returns whether anything changed.
    @discardableResult
    public mutating func addFinalizer(_ name: String) -> Bool {
        if hasFinalizer(name) { return false }
        finalizers = (finalizers ?? []) + [name]
        return true
    }

    /// Removes the finalizer if present; returns whether anything changed.
    @discardableResult
    public mutating func removeFinalizer(_ name: String) -> Bool {
        guard let current = finalizers, current.contains(name) else { return false }
        let rest = current.filter { $0 != name }
        finalizers = rest.isEmpty ? nil : rest
        return true
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }
}

/// A link from a dependent object to its owner, used by garbage collection and by controllers to find
/// what to reconcile when a dependent changes.
public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?
    public var unknownFields = UnknownFields()

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}
