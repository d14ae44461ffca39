import KubeClient
import KubeModel
import Synchronization

/// Reads from informer caches, after controller-runtime's cached client: a reconcile costs no API
/// request for what an informer already holds. The manager's writes reach these caches before the
/// write returns (``Informer/applyWritten(_:)``), so a reconcile reads its own writes.
///
/// A resource is served from a cache registered for it. A cache may hold only the objects matching
/// a label selector (the informer's): lists that ask for at least those labels are answered from
/// it, and a `get` it cannot answer falls back to the API server, since the object may exist
/// without the labels. Everything else goes to the API server through ``LiveReader``.
public final class CachedReader: ObjectReader, Sendable {
    struct Registration: Sendable {
        var informer: Informer
        var cache: ObjectCache { informer.cache }
        /// The informer's label selector as pairs; empty for a cache of the whole resource.
        var selector: [String: String]
    }

    public let live: LiveReader
    private let registrations = Mutex<[GroupVersionResource: [Registration]]>([:])

    public init(client: KubeClient) { self.live = LiveReader(client: client) }

    /// Serves `resource` from `informer`'s cache; its label selector must be `key=value` pairs (or
    /// bare keys, which only `get`s fall through for).
    public func register(_ resource: GroupVersionResource, _ informer: Informer) {
        let selector = Self.pairs(informer.configuration.labelSelector)
        guard informer.configuration.namespace == nil, informer.configuration.fieldSelector == nil, let selector else { return }
        registrations.withLock { $0[resource, default: []].append(Registration(informer: informer, selector: selector)) }
    }

    /// Stops serving `resource` from caches (its informers are going away): reads go to the server.
    public func unregister(_ resource: GroupVersionResource) {
        registrations.withLock { _ = $0.removeValue(forKey: resource) }
    }

    public func get(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject? {
        let candidates = registrations.withLock { $0[resource] ?? [] }
        for registration in candidates {
            // Until its first list, a cache would answer "no such object".
            await registration.informer.waitForSync()
            if let object = registration.cache.get(namespace: namespace, name: name) { return object }
        }
        // A cache of the whole resource knows the object does not exist.
        if candidates.contains(where: { $0.selector.isEmpty }) { return nil }
        return try await live.get(resource, name: name, namespace: namespace)
    }

    public func cached(_ resource: GroupVersionResource, name: String, namespace: String?) async throws(ClientError) -> KubeObject? {
        let candidates = registrations.withLock { $0[resource] ?? [] }
        guard !candidates.isEmpty else { return try await live.get(resource, name: name, namespace: namespace) }
        for registration in candidates {
            await registration.informer.waitForSync()
            if let object = registration.cache.get(namespace: namespace, name: name) { return object }
        }
        return nil
    }

    public func list(_ resource: GroupVersionResource, namespace: String?, labels: [String: String]) async throws(ClientError) -> [KubeObject] {
        let candidates = registrations.withLock { $0[resource] ?? [] }
        if let registration = candidates.first(where: { r in r.selector.allSatisfy { key, value in value.isEmpty ? labels[key] != nil : labels[key] == value } }) {
            await registration.informer.waitForSync()
            return registration.cache.list(namespace: namespace, labels: labels)
        }
        return try await live.list(resource, namespace: namespace, labels: labels)
    }

    /// Whether `resource` has a cache (some reads of it cost no request).
    public func isCached(_ resource: GroupVersionResource) -> Bool {
        registrations.withLock { $0[resource] != nil }
    }

    /// `a=b,c` as pairs (`c` with an empty value: the key must exist); nil for other operators.
    static func pairs(_ selector: String?) -> [String: String]? {
        guard let selector, !selector.isEmpty else { return [:] }
        guard let requirements = try? LabelRequirement.parse(selector) else { return nil }
        var out: [String: String] = [:]
        for requirement in requirements {
            switch requirement.operator {
            case .equals where requirement.values.count == 1: out[requirement.key] = requirement.values[0]
            case .exists: out[requirement.key] = ""
            default: return nil
            }
        }
        return out
    }
}
