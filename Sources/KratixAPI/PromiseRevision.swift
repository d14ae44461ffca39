import KubeModel

/// A snapshot of a Promise's spec at one version; resource requests reconcile against a revision.
public struct PromiseRevision: KratixResource {
    public static let apiKind = "PromiseRevision"
    public static let plural = "promiserevisions"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = PromiseRevision.apiKind
    public var metadata = ObjectMeta()
    public var spec = PromiseRevisionSpec()
    public var status: PromiseRevisionStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: PromiseRevisionSpec = PromiseRevisionSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }
}

public struct PromiseReference: Codable, Sendable, Equatable {
    public var name: String?
    public var unknownFields = UnknownFields()

    public init(name: String) { self.name = name }
}

public struct PromiseRevisionSpec: Codable, Sendable, Equatable {
    public var promiseRef: PromiseReference?
    public var promiseSpec: PromiseSpec?
    public var version: String?
    public var unknownFields = UnknownFields()

    public init(promiseRef: PromiseReference? = nil, promiseSpec: PromiseSpec? = nil, version: String? = nil) {
        self.promiseRef = promiseRef
        self.promiseSpec = promiseSpec
        self.version = version
    }
}

public struct PromiseRevisionStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var latest: Bool?
    public var unknownFields = UnknownFields()

    public init() {}
}
