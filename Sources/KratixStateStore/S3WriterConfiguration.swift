import Foundation
import KratixAPI

/// Everything the S3 writer needs; built from a `BucketStateStore` and its Secret with
/// ``init(store:secretData:environment:)``, or directly.
public struct S3WriterConfiguration: Sendable {
    /// `host[:port]` without a scheme.
    public var endpoint: String
    public var bucket: String
    /// Upstream's `insecure: true` means plain HTTP, so this is `!insecure`.
    public var useTLS: Bool
    public var storePath: String
    public var credentials: AWSCredentials
    public var region: String?
    public var addressing: S3Addressing
    /// Uploads in flight at once during one update.
    public var concurrency: Int

    public init(endpoint: String, bucket: String, credentials: AWSCredentials, useTLS: Bool = true,
                storePath: String = "", region: String? = nil, addressing: S3Addressing = .auto, concurrency: Int = 8) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.credentials = credentials
        self.useTLS = useTLS
        self.storePath = storePath
        self.region = region
        self.addressing = addressing
        self.concurrency = max(1, concurrency)
    }

    /// Upstream's rules (spec §6.3): Secret keys `accessKeyID` and `secretAccessKey` for the
    /// `accessKey` method; `IAM` reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN` from the environment (web identity and instance metadata are not
    /// implemented yet). `AWS_REGION` overrides the region derived from the endpoint.
    public init(store: BucketStateStore, secretData: [String: [UInt8]],
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(StateStoreError) {
        let spec = store.spec
        guard let endpoint = spec.endpoint, !endpoint.isEmpty else {
            throw StateStoreError(.invalidConfiguration("spec.endpoint is required"))
        }
        guard let bucket = spec.bucketName, !bucket.isEmpty else {
            throw StateStoreError(.invalidConfiguration("spec.bucketName is required"))
        }
        let credentials: AWSCredentials
        switch spec.effectiveAuthMethod {
        case .accessKey:
            func key(_ name: String) throws(StateStoreError) -> String {
                guard let raw = secretData[name] else {
                    throw StateStoreError(.invalidConfiguration("secret is missing key: \(name)"))
                }
                return String(decoding: raw, as: UTF8.self)
            }
            credentials = AWSCredentials(accessKeyID: try key("accessKeyID"), secretAccessKey: try key("secretAccessKey"))
        case .iam:
            guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
                throw StateStoreError(.invalidConfiguration(
                    "authMethod IAM: no credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (web identity and instance metadata are not supported yet)"))
            }
            credentials = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        }
        self.init(endpoint: endpoint, bucket: bucket, credentials: credentials, useTLS: !spec.usesPlainHTTP,
                  storePath: spec.path ?? "", region: environment["AWS_REGION"])
    }
}
