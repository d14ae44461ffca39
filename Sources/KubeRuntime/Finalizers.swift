import KubeClient
import KubeModel

/// Adding and removing finalizers with optimistic concurrency: the patch carries the
/// resourceVersion it was computed from, so a finalizer another controller added or removed in
/// between is never lost (the write fails with a conflict and the reconcile retries).
public enum Finalizers {
    /// Adds `finalizer` if missing; returns the updated object, or the object unchanged.
    public static func add(_ finalizer: String, to object: KubeObject, resource: GroupVersionResource,
                           client: KubeClient) async throws(ClientError) -> KubeObject {
        var finalizers = object.finalizers
        guard !finalizers.contains(finalizer) else { return object }
        finalizers.append(finalizer)
        return try await write(finalizers, object: object, resource: resource, client: client)
    }

    /// Removes `finalizers` if present; returns the updated object (or nil when the removal let the
    /// object go), or the object unchanged.
    @discardableResult
    public static func remove(_ finalizers: [String], from object: KubeObject, resource: GroupVersionResource,
                              client: KubeClient) async throws(ClientError) -> KubeObject? {
        let remaining = object.finalizers.filter { !finalizers.contains($0) }
        guard remaining.count != object.finalizers.count else { return object }
        do {
            return try await write(remaining, object: object, resource: resource, client: client)
        } catch .notFound {
            return nil
        }
    }

    static func write(_ finalizers: [String], object: KubeObject, resource: GroupVersionResource,
                      client: KubeClient) async throws(ClientError) -> KubeObject {
        var metadata: JSONObject = ["finalizers": .array(finalizers.map(JSONValue.string))]
        if let rv = object.resourceVersion { metadata["resourceVersion"] = .string(rv) }
        return try await client.patch(resource, name: object.name ?? "", namespace: object.namespace,
                                      .merge(.object(["metadata": .object(metadata)])))
    }
}

extension KubeObject {
    /// `metadata.finalizers`.
    public var finalizers: [String] {
        (json["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
