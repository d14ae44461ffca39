import KubeModel

/// The `platform.kratix.io/v1alpha1` API: names every Kratix component agrees on.
public enum KratixGroup {
    public static let group = "platform.kratix.io"
    public static let version = "v1alpha1"
    public static let apiVersion = "platform.kratix.io/v1alpha1"
    /// Where the controller, its configuration and promise workflows live.
    public static let systemNamespace = "kratix-platform-system"
    public static let controllerServiceAccount = "kratix-platform-controller-manager"
    public static let configMapName = "kratix"
    public static let configMapKey = "config"
    public static let leaderElectionID = "2743c979.kratix.io"
    public static let category = "kratix"
    /// The version string of a Promise without a `kratix.io/promise-version` label.
    public static let unversioned = "not-set"

    public static func groupVersionKind(_ kind: String) -> GroupVersionKind {
        GroupVersionKind(group: group, version: version, kind: kind)
    }
}

/// A typed object of the Kratix API.
public protocol KratixResource: KubeResource, HasObjectMeta, Equatable {
    static var apiKind: String { get }
    /// The lower-case plural resource name (`promises`).
    static var plural: String { get }
    static var namespaced: Bool { get }
    var apiVersion: String { get set }
    var kind: String { get set }
    var metadata: ObjectMeta { get set }
    var unknownFields: UnknownFields { get set }
}

extension KratixResource {
    public static var groupVersionKind: GroupVersionKind { KratixGroup.groupVersionKind(apiKind) }
    public static var groupVersionResource: GroupVersionResource {
        GroupVersionResource(group: KratixGroup.group, version: KratixGroup.version, resource: plural)
    }

    public var name: String { metadata.name ?? "" }

    /// Decodes the typed object from a JSON tree, naming the field on failure.
    public init(from value: JSONValue) throws(ModelError) {
        self = try JSONValueDecoder().decode(Self.self, from: value)
    }

    /// The object as a JSON tree, including the fields this type does not declare.
    public func toJSON() throws(ModelError) -> JSONValue {
        try JSONValueEncoder().encode(self)
    }
}
