import KubeModel

/// Installs a Promise fetched from a URL, pinned to a version.
public struct PromiseRelease: KratixResource {
    public static let apiKind = "PromiseRelease"
    public static let plural = "promisereleases"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = PromiseRelease.apiKind
    public var metadata = ObjectMeta()
    public var spec = PromiseReleaseSpec()
    public var status: PromiseReleaseStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: PromiseReleaseSpec = PromiseReleaseSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }
}

public struct PromiseReleaseSpec: Codable, Sendable, Equatable {
    public struct SourceRef: Codable, Sendable, Equatable {
        /// Only `http` exists.
        public var type: String?
        public var url: String?
        public var secretRef: SecretReference?
        public var unknownFields = UnknownFields()

        public init(type: String = "http", url: String? = nil) {
            self.type = type
            self.url = url
        }
    }

    public var version: String?
    public var sourceRef: SourceRef?
    public var unknownFields = UnknownFields()

    public init(version: String? = nil, sourceRef: SourceRef? = nil) {
        self.version = version
        self.sourceRef = sourceRef
    }
}

public struct PromiseReleaseStatus: Codable, Sendable, Equatable {
    /// `Installed` or `Error installing`.
    public var status: String?
    public var conditions: [Condition]?
    public var unknownFields = UnknownFields()

    public init() {}
}
