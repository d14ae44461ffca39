import KubeModel

/// An S3-compatible bucket that Kratix writes Destination documents to.
public struct BucketStateStore: KratixResource {
    public static let apiKind = "BucketStateStore"
    public static let plural = "bucketstatestores"
    public static let namespaced = false

    public var apiVersion = KratixGroup.apiVersion
    public var kind = BucketStateStore.apiKind
    public var metadata = ObjectMeta()
    public var spec = BucketStateStoreSpec()
    public var status: StateStoreStatus?
    public var unknownFields = UnknownFields()

    public init(name: String, spec: BucketStateStoreSpec = BucketStateStoreSpec()) {
        self.metadata = ObjectMeta(name: name)
        self.spec = spec
    }
}

public struct BucketStateStoreSpec: Codable, Sendable, Equatable {
    public enum AuthMethod: String, Codable, Sendable, CaseIterable {
        case accessKey
        case iam = "IAM"

        public init(from decoder: any Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            guard let method = raw.isEmpty ? .accessKey : AuthMethod(rawValue: raw) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unsupported auth method \"\(raw)\"; expected accessKey or IAM"))
            }
            self = method
        }
    }

    public var bucketName: String?
    /// `host[:port]` without a scheme.
    public var endpoint: String?
    /// `true` means plain HTTP (not "skip TLS verification").
    public var insecure: Bool?
    public var useDualStack: Bool?
    public var authMethod: AuthMethod?
    public var path: String?
    public var secretRef: SecretReference?
    public var unknownFields = UnknownFields()

    public init(bucketName: String? = nil, endpoint: String? = nil, secretRef: SecretReference? = nil) {
        self.bucketName = bucketName
        self.endpoint = endpoint
        self.secretRef = secretRef
    }

    public var effectiveAuthMethod: AuthMethod { authMethod ?? .accessKey }
    public var usesPlainHTTP: Bool { insecure ?? false }
}
