/// The identity a controller's queue holds: work is per object, not per event, so bursts of
/// events for one object collapse into one reconcile.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// `nil` for cluster-scoped objects.
    public var namespace: String?
    public var name: String

    public init(namespace: String? = nil, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
