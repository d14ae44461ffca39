import Foundation
import KubeClient
import KubeModel
import KubeRuntime
import Synchronization

/// Reads Secrets, ConfigMaps and service account tokens through the Kubernetes API, as a kubelet
/// does: ConfigMaps from a watch (an informer's cache, when given; a kubelet's default
/// `Watch` change-detection strategy) rather than a GET per pod, and tokens kept until 80% of
/// their lifetime has passed (the kubelet's token manager), since every pod of a Promise mounts
/// the same ones.
public struct APIPodDataSource: PodDataSource {
    let client: KubeClient
    let configMaps: Informer?
    private let tokens = TokenCache()

    public init(client: KubeClient, configMaps: Informer? = nil) {
        self.client = client
        self.configMaps = configMaps
    }

    public func secret(namespace: String, name: String) async throws -> [String: [UInt8]]? {
        guard let object = try await fetch(.secrets, name: name, namespace: namespace) else { return nil }
        var data: [String: [UInt8]] = [:]
        for (key, value) in object.json["data"]?.objectValue ?? [:] {
            guard let text = value.stringValue, let decoded = Data(base64Encoded: text) else {
                throw ClientError.decoding("secret \(namespace)/\(name): data.\(key) is not base64")
            }
            data[key] = Array(decoded)
        }
        return data
    }

    public func configMap(namespace: String, name: String) async throws -> [String: [UInt8]]? {
        var cached: KubeObject?
        if let configMaps, configMaps.hasSynced { cached = configMaps.cache.get(namespace: namespace, name: name) }
        // A miss may be a ConfigMap created a moment ago: ask the server.
        if cached == nil { cached = try await fetch(.configMaps, name: name, namespace: namespace) }
        guard let object = cached else { return nil }
        var data: [String: [UInt8]] = [:]
        for (key, value) in object.json["data"]?.objectValue ?? [:] {
            data[key] = Array((value.stringValue ?? "").utf8)
        }
        for (key, value) in object.json["binaryData"]?.objectValue ?? [:] {
            guard let text = value.stringValue, let decoded = Data(base64Encoded: text) else {
                throw ClientError.decoding("configmap \(namespace)/\(name): binaryData.\(key) is not base64")
            }
            data[key] = Array(decoded)
        }
        return data
    }

    /// A TokenRequest. The `default` service account is created when missing, as the service
    /// account controller of a real cluster would have done (the embedded API server has none).
    public func serviceAccountToken(namespace: String, serviceAccount: String, audiences: [String], expirationSeconds: Int64) async throws -> String {
        let key = TokenCache.Key(namespace: namespace, serviceAccount: serviceAccount, audiences: audiences, expirationSeconds: expirationSeconds)
        if let token = tokens.token(for: key) { return token }
        let issued = ContinuousClock.now
        var request = KubeObject(apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", name: serviceAccount, namespace: namespace)
        request.spec = ["audiences": .array(audiences.map(JSONValue.string)), "expirationSeconds": .int(expirationSeconds)]
        let response = try await requestToken(request, namespace: namespace, createDefault: serviceAccount == "default")
        guard let token = response.status?["token"]?.stringValue, !token.isEmpty else {
            throw ClientError.decoding("TokenRequest for service account \(namespace)/\(serviceAccount): the response has no status.token")
        }
        tokens.keep(token, for: key, until: issued + .seconds(max(0, expirationSeconds) * 8 / 10))
        return token
    }

    private func fetch(_ resource: GroupVersionResource, name: String, namespace: String) async throws(ClientError) -> KubeObject? {
        try await client.getOptional(resource, name: name, namespace: namespace)
    }

    private func requestToken(_ request: KubeObject, namespace: String, createDefault: Bool) async throws(ClientError) -> KubeObject {
        do {
            return try await client.create(.serviceAccounts, request, namespace: namespace, subresource: "token")
        } catch {
            guard case .notFound = error, createDefault else { throw error }
        }
        do {
            let account = KubeObject(apiVersion: "v1", kind: "ServiceAccount", name: "default", namespace: namespace)
            _ = try await client.create(.serviceAccounts, account, namespace: namespace)
        } catch {
            guard case .alreadyExists = error else { throw error }
        }
        return try await client.create(.serviceAccounts, request, namespace: namespace, subresource: "token")
    }
}

/// Tokens issued for service accounts, each until it is due for renewal.
final class TokenCache: Sendable {
    struct Key: Hashable, Sendable {
        var namespace: String
        var serviceAccount: String
        var audiences: [String]
        var expirationSeconds: Int64
    }

    private let tokens = Mutex<[Key: (token: String, renewAt: ContinuousClock.Instant)]>([:])

    func token(for key: Key) -> String? {
        tokens.withLock { tokens in
            guard let entry = tokens[key] else { return nil }
            if entry.renewAt <= .now {
                tokens[key] = nil
                return nil
            }
            return entry.token
        }
    }

    func keep(_ token: String, for key: Key, until renewAt: ContinuousClock.Instant) {
        tokens.withLock { $0[key] = (token, renewAt) }
    }
}
