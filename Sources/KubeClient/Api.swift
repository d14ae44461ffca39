import KubeModel

/// Typed access to one kind with a Swift model: the dynamic verbs, encoding and decoding `R`.
///
/// For namespaced kinds, `namespace` scopes every call; `nil` means all namespaces for list and
/// watch, and the client's default namespace for calls on one object. Decoding failures are
/// ``ClientError/decoding(_:)`` naming the object and the field.
public struct Api<R: KubeResource>: Sendable {
    public let client: KubeClient
    public let namespace: String?

    public init(client: KubeClient, namespace: String? = nil) {
        self.client = client
        self.namespace = R.namespaced ? namespace : nil
    }

    var resource: GroupVersionResource { R.groupVersionResource }

    /// The namespace for a call on one object.
    private func objectNamespace(_ preferred: String? = nil) -> String? {
        guard R.namespaced else { return nil }
        return namespace ?? preferred ?? client.configuration.defaultNamespace
    }

    public func get(_ name: String) async throws(ClientError) -> R {
        try decode(await client.get(resource, name: name, namespace: objectNamespace()))
    }

    public func get(name: String) async throws(ClientError) -> R {
        try await get(name)
    }

    /// The object, or nil when it does not exist (``KubeClient/getOptional(_:name:namespace:)``).
    public func getOptional(_ name: String) async throws(ClientError) -> R? {
        guard let object = try await client.getOptional(resource, name: name, namespace: objectNamespace()) else { return nil }
        return try decode(object)
    }

    public func list(_ options: ListOptions = .init()) async throws(ClientError) -> TypedList<R> {
        try decode(await client.list(resource, namespace: namespace, options: options))
    }

    public func list(options: ListOptions) async throws(ClientError) -> TypedList<R> {
        try await list(options)
    }

    /// Every page; see ``KubeClient/listAll(_:namespace:options:)``.
    public func listAll(_ options: ListOptions = .init()) async throws(ClientError) -> TypedList<R> {
        try decode(await client.listAll(resource, namespace: namespace, options: options))
    }

    public func create(_ object: R, options: WriteOptions = .init()) async throws(ClientError) -> R {
        let encoded = try encode(object)
        return try decode(await client.create(resource, encoded, namespace: objectNamespace(encoded.namespace), options: options))
    }

    public func update(_ object: R, options: WriteOptions = .init()) async throws(ClientError) -> R {
        var encoded = try encode(object)
        if R.namespaced { encoded.namespace = encoded.namespace ?? objectNamespace() }
        return try decode(await client.update(resource, encoded, options: options))
    }

    public func updateStatus(_ object: R, options: WriteOptions = .init()) async throws(ClientError) -> R {
        var encoded = try encode(object)
        if R.namespaced { encoded.namespace = encoded.namespace ?? objectNamespace() }
        return try decode(await client.updateStatus(resource, encoded, options: options))
    }

    public func patch(_ name: String, _ patch: Patch, subresource: String? = nil, options: PatchOptions = .init()) async throws(ClientError) -> R {
        try decode(await client.patch(resource, name: name, namespace: objectNamespace(), patch, subresource: subresource, options: options))
    }

    public func patch(name: String, _ patch: Patch, subresource: String? = nil, options: PatchOptions = .init()) async throws(ClientError) -> R {
        try await self.patch(name, patch, subresource: subresource, options: options)
    }

    /// The object while it is still there (finalizers), `nil` once it is gone.
    @discardableResult
    public func delete(_ name: String, options: DeleteOptions = .init()) async throws(ClientError) -> R? {
        guard let object = try await client.delete(resource, name: name, namespace: objectNamespace(), options: options) else { return nil }
        return try decode(object)
    }

    @discardableResult
    public func delete(name: String, options: DeleteOptions = .init()) async throws(ClientError) -> R? {
        try await delete(name, options: options)
    }

    public func watch(_ options: WatchOptions = .init()) -> TypedWatchStream<R> {
        TypedWatchStream(events: client.watch(resource, namespace: namespace, options: options))
    }

    public func watch(options: WatchOptions) -> TypedWatchStream<R> {
        watch(options)
    }

    // MARK: Coding

    func decode(_ object: KubeObject) throws(ClientError) -> R {
        try Self.decode(object)
    }

    static func decode(_ object: KubeObject) throws(ClientError) -> R {
        do {
            return try object.decode(R.self)
        } catch {
            throw .decoding("cannot read \(R.groupVersionKind.kind) \"\(object.key)\": \(error)")
        }
    }

    private func decode(_ list: ObjectList) throws(ClientError) -> TypedList<R> {
        var items: [R] = []
        items.reserveCapacity(list.items.count)
        for object in list.items { items.append(try decode(object)) }
        return TypedList(items: items, resourceVersion: list.resourceVersion, continueToken: list.continueToken)
    }

    private func encode(_ model: R) throws(ClientError) -> KubeObject {
        var object: KubeObject
        do {
            object = try KubeObject.encode(model)
        } catch {
            throw .decoding("cannot encode \(R.groupVersionKind.kind): \(error)")
        }
        if object.apiVersion == nil { object.apiVersion = R.groupVersionKind.apiVersion }
        if object.kind == nil { object.kind = R.groupVersionKind.kind }
        return object
    }
}
