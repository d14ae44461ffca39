import KubeClient
import KubeModel

/// Adding and removing finalizers, after kube-rs' `finalizer`: JSON Patches that `test` the
/// finalizer list they were computed from (adding) or the entry they remove (removing), so a
/// finalizer another controller added or removed in between is never lost, while a status or
/// label written meanwhile does not fail the write (a resourceVersion guard would). A failed
/// `test` is a conflict: the reconcile runs again on fresh data.
public enum Finalizers {
    /// What a reconcile does for an object that carries (or is given) its finalizer.
    public enum Event: Sendable {
        /// The object is live and carries the finalizer: reconcile it.
        case apply(KubeObject)
        /// The object is being deleted: clean up; the finalizer goes when this returns `.done`.
        case cleanup(KubeObject)
    }

    /// kube-rs' `finalizer`: a live object gets `finalizer` first, then `body(.apply)`; an object
    /// being deleted gets `body(.cleanup)` while it carries `finalizer`, which is removed once the
    /// cleanup reports `.done` (any other action keeps it and comes back).
    public static func run(_ finalizer: String, on object: KubeObject, resource: GroupVersionResource, client: KubeClient,
                           _ body: (Event) async throws -> ReconcileAction) async throws -> ReconcileAction {
        if object.deletionTimestamp != nil {
            guard object.finalizers.contains(finalizer) else { return .done }
            let action = try await body(.cleanup(object))
            guard action == .done else { return action }
            try await remove([finalizer], from: object, resource: resource, client: client)
            return .done
        }
        return try await body(.apply(try await add(finalizer, to: object, resource: resource, client: client)))
    }

    /// Adds `finalizer` if missing; returns the updated object, or the object unchanged.
    public static func add(_ finalizer: String, to object: KubeObject, resource: GroupVersionResource,
                           client: KubeClient) async throws(ClientError) -> KubeObject {
        try await add([finalizer], to: object, resource: resource, client: client)
    }

    /// Adds the missing ones of `finalizers`, in order, after those the object has; and, in the
    /// same write, sets `labels` (a new object's first pass needs both).
    public static func add(_ finalizers: [String], to object: KubeObject, resource: GroupVersionResource,
                           client: KubeClient, labels: [String: String] = [:]) async throws(ClientError) -> KubeObject {
        let current = object.finalizers
        let missing = finalizers.filter { !current.contains($0) }
        let present = object.labels
        let newLabels = labels.filter { present[$0.key] != $0.value }
        guard !missing.isEmpty || !newLabels.isEmpty else { return object }
        var operations: [JSONValue] = []
        if !newLabels.isEmpty {
            if object.json["metadata"]?["labels"] == nil {
                var map = JSONObject()
                for (key, value) in newLabels.sorted(by: { $0.key < $1.key }) { map[key] = .string(value) }
                operations.append(["op": "add", "path": "/metadata/labels", "value": .object(map)])
            } else {
                for (key, value) in newLabels.sorted(by: { $0.key < $1.key }) {
                    operations.append(["op": "add", "path": .string("/metadata/labels/" + pointerToken(key)), "value": .string(value)])
                }
            }
        }
        guard !missing.isEmpty else { return try await patch(operations, object: object, resource: resource, client: client) }
        if object.json["metadata"]?["finalizers"] == nil {
            // No list to test: `add` would replace one someone added meanwhile, so the object's
            // version is the guard here.
            if let version = object.resourceVersion {
                operations.append(["op": "test", "path": "/metadata/resourceVersion", "value": .string(version)])
            }
            operations.append(["op": "add", "path": "/metadata/finalizers", "value": .array(missing.map(JSONValue.string))])
        } else {
            operations.append(["op": "test", "path": "/metadata/finalizers", "value": .array(current.map(JSONValue.string))])
            operations += missing.map { ["op": "add", "path": "/metadata/finalizers/-", "value": .string($0)] }
        }
        return try await patch(operations, object: object, resource: resource, client: client)
    }

    /// A JSON Pointer reference token (RFC 6901): `~` and `/` escaped.
    static func pointerToken(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Removes `finalizers` if present; returns the updated object (or nil when the removal let the
    /// object go), or the object unchanged.
    @discardableResult
    public static func remove(_ finalizers: [String], from object: KubeObject, resource: GroupVersionResource,
                              client: KubeClient) async throws(ClientError) -> KubeObject? {
        let current = object.finalizers
        // From the last index down, so earlier indexes stay valid; each removal tests its entry.
        let indexes = current.indices.filter { finalizers.contains(current[$0]) }.reversed()
        guard !indexes.isEmpty else { return object }
        let operations: [JSONValue]
        if indexes.count == current.count {
            // None left: the list goes, as the API server writes an empty one (omitted).
            operations = [["op": "test", "path": "/metadata/finalizers", "value": .array(current.map(JSONValue.string))],
                          ["op": "remove", "path": "/metadata/finalizers"]]
        } else {
            operations = indexes.flatMap { index -> [JSONValue] in
                [["op": "test", "path": .string("/metadata/finalizers/\(index)"), "value": .string(current[index])],
                 ["op": "remove", "path": .string("/metadata/finalizers/\(index)")]]
            }
        }
        do {
            let updated = try await patch(operations, object: object, resource: resource, client: client)
            // The last finalizer of an object being deleted lets it go.
            return updated.deletionTimestamp != nil && updated.finalizers.isEmpty ? nil : updated
        } catch .notFound {
            return nil
        }
    }

    static func patch(_ operations: [JSONValue], object: KubeObject, resource: GroupVersionResource,
                      client: KubeClient) async throws(ClientError) -> KubeObject {
        do {
            return try await client.patch(resource, name: object.name ?? "", namespace: object.namespace, .json(.array(operations)))
        } catch .invalid(let status) where status.code == 422 && status.message.contains("test") {
            // The list changed since it was read: the same as a stale resourceVersion.
            throw .conflict(status)
        }
    }
}

extension Finalizers {
    /// ``add(_:to:resource:client:)`` for a typed object.
    public static func add<R: KubeResource & HasObjectMeta>(_ finalizer: String, to object: R, client: KubeClient) async throws(ClientError) -> R {
        guard !object.metadata.hasFinalizer(finalizer) else { return object }
        return try decode(try await add(finalizer, to: handle(object), resource: R.groupVersionResource, client: client))
    }

    /// ``remove(_:from:resource:client:)`` for a typed object: nil when the removal let it go.
    @discardableResult
    public static func remove<R: KubeResource & HasObjectMeta>(_ finalizers: [String], from object: R,
                                                                client: KubeClient) async throws(ClientError) -> R? {
        guard finalizers.contains(where: object.metadata.hasFinalizer) else { return object }
        guard let updated = try await remove(finalizers, from: handle(object), resource: R.groupVersionResource, client: client) else { return nil }
        return try decode(updated)
    }

    /// What the patches need of a typed object: where it is and its finalizers.
    private static func handle<R: KubeResource & HasObjectMeta>(_ object: R) -> KubeObject {
        var metadata: JSONObject = ["name": .string(object.metadata.name ?? "")]
        if let namespace = object.metadata.namespace { metadata["namespace"] = .string(namespace) }
        if let finalizers = object.metadata.finalizers { metadata["finalizers"] = .array(finalizers.map(JSONValue.string)) }
        if let deletion = object.metadata.deletionTimestamp { metadata["deletionTimestamp"] = .string(deletion) }
        return KubeObject(["metadata": .object(metadata)])
    }

    private static func decode<R: KubeResource>(_ object: KubeObject) throws(ClientError) -> R {
        do {
            return try object.decode(R.self)
        } catch {
            throw .decoding("cannot read \(R.groupVersionKind.kind) \"\(object.key)\": \(error)")
        }
    }
}

extension KubeObject {
    /// `metadata.finalizers`.
    public var finalizers: [String] {
        (json["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
