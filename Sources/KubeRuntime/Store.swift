import KubeModel

/// A typed, read-only view of an informer's cache, after kube-rs' `reflector::Store`: what
/// reconcilers read on the hot path instead of the API server.
///
/// Objects are decoded on each read (the cache keeps JSON, shared by every controller watching the
/// resource). An object that does not decode is left out of lists and reported by ``get(_:)``, so
/// one bad object cannot hide the others.
public struct Store<R: KubeResource>: Sendable {
    public let cache: ObjectCache

    public init(_ cache: ObjectCache) { self.cache = cache }

    public init(_ informer: Informer) { self.init(informer.cache) }

    /// The object with this key, decoded; nil when the cache does not hold it.
    public func get(_ key: ObjectKey) throws(ModelError) -> R? {
        guard let object = cache.get(key) else { return nil }
        return try object.decode(R.self)
    }

    public func get(_ name: String, namespace: String? = nil) throws(ModelError) -> R? {
        try get(ObjectKey(namespace: R.namespaced ? namespace : nil, name: name))
    }

    /// Every object, or those in one namespace.
    public func list(namespace: String? = nil) -> [R] {
        decodeAll(cache.list(namespace: namespace))
    }

    /// Objects whose labels include every pair of `labels`.
    public func list(namespace: String? = nil, labels: [String: String]) -> [R] {
        decodeAll(cache.list(namespace: namespace, labels: labels))
    }

    /// Objects under one value of a named index (``ObjectCache/addIndex(_:_:)``).
    public func byIndex(_ name: String, _ value: String) -> [R] {
        decodeAll(cache.byIndex(name, value))
    }

    private func decodeAll(_ objects: [KubeObject]) -> [R] {
        objects.compactMap { try? $0.decode(R.self) }
    }
}
