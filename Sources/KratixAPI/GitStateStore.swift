import KubeModel

/// A Git repository and branch that Kratix writes Destination documents to.
public struct GitStateStore: KratixResource {
    public static let apiKind = "GitStateStore"
    public static let plural = "gitstatestores"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = GitStateStore.apiKind
    public var metadata = ObjectMeta()
    public var spec = GitStateStoreSpec()
    public var status: StateStoreStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: GitStateStoreSpec = GitStateStoreSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }
}

public struct GitStateStoreSpec: Codable, Sendable, Equatable {
    public enum AuthMethod: String, Codable, Sendable, CaseIterable {
        case basicAuth
        case ssh
        case githubApp
    }

    public struct GitAuthor: Codable, Sendable, Equatable {
        public var name: String?
        public var email: String?
        public var unknownFields = UnknownFields()

        public init(name: String? = nil, email: String? = nil) {
            self.name = name
            self.email = email
        }
    }

    public var url: String?
    public var branch: String?
    public var path: String?
    public var secretRef: SecretReference?
    public var authMethod: AuthMethod?
    public var gitAuthor: GitAuthor?
    public var unknownFields = UnknownFields()

    public init(url: String? = nil, branch: String? = nil, secretRef: SecretReference? = nil) {
        self.url = url
        self.branch = branch
        self.secretRef = secretRef
    }

    public var effectiveBranch: String {
        let b = branch ?? ""
        return b.isEmpty ? "main" : b
    }

    public var effectiveAuthMethod: AuthMethod { authMethod ?? .basicAuth }
    /// The author (and committer) name: `kratix` unless set.
    public var authorName: String { gitAuthor?.name ?? "kratix" }
    public var authorEmail: String { gitAuthor?.email ?? "" }
}
