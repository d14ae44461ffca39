/// A pod as logs and status writes address it.
public struct PodIdentity: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var uid: String

    public init(namespace: String, name: String, uid: String) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    public var description: String { "\(namespace)/\(name)" }
}
