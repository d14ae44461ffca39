/// Where the runner reads what a pod references: Secrets, ConfigMaps and service account tokens.
///
/// A protocol so the executor can be tested with real processes and no API server; the runner
/// uses ``APIPodDataSource``, which reads them through the Kubernetes API.
public protocol PodDataSource: Sendable {
    /// The decoded `data` of a Secret; `nil` when it does not exist.
    func secret(namespace: String, name: String) async throws -> [String: [UInt8]]?
    /// `data` and `binaryData` of a ConfigMap; `nil` when it does not exist.
    func configMap(namespace: String, name: String) async throws -> [String: [UInt8]]?
    /// A bearer token for the service account (TokenRequest). Never logged.
    func serviceAccountToken(namespace: String, serviceAccount: String, audiences: [String], expirationSeconds: Int64) async throws -> String
}
