import KubeClient
import KubeModel

/// Where a reconciler reads objects: the informer caches in a running manager (``CachedReader``),
/// the API server itself in tests and one-off tools (``LiveReader``). Writes always go to the
/// client.
public protocol ObjectReader: Sendable {
    /// The object, or nil when there is none.
    func get(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject?

    /// The objects whose labels include every pair of `labels`, in one namespace or (nil) all.
    func list(_ resource: GroupVersionResource, namespace: String?, labels: [String: String]) async throws(ClientError) -> [KubeObject]

    /// Like ``get(_:name:namespace:)``, but a cache that does not hold the object answers nil
    /// without asking the API server: for an object the caller is about to create with the labels
    /// the cache selects by (a create that finds it exists anyway says so).
    func cached(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject?
}

extension ObjectReader {
    public func cached(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject? {
        try await get(resource, name: name, namespace: namespace)
    }

    public func get<R: KubeResource>(_ type: R.Type, _ name: String, namespace: String? = nil) async throws(ClientError) -> R? {
        guard let object = try await get(R.groupVersionResource, name: name, namespace: R.namespaced ? namespace : nil) else { return nil }
        return try Self.decode(object)
    }

    public func list<R: KubeResource>(_ type: R.Type, namespace: String? = nil, labels: [String: String] = [:]) async throws(ClientError) -> [R] {
        var out: [R] = []
        for object in try await list(R.groupVersionResource, namespace: R.namespaced ? namespace : nil, labels: labels) {
            out.append(try Self.decode(object))
        }
        return out
    }

    private static func decode<R: KubeResource>(_ object: KubeObject) throws(ClientError) -> R {
        do {
            return try object.decode(R.self)
        } catch {
            throw .decoding("cannot read \(R.groupVersionKind.kind) \"\(object.key)\": \(error)")
        }
    }
}

/// Reads from the API server: one request per read.
public struct LiveReader: ObjectReader {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func get(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject? {
        try await client.getOptional(resource, name: name, namespace: namespace)
    }

    public func list(_ resource: GroupVersionResource, namespace: String?, labels: [String: String]) async throws(ClientError) -> [KubeObject] {
        try await client.listAll(resource, namespace: namespace, options: ListOptions(labels: labels)).items
    }
}
