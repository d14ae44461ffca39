import KratixTelemetry
import KubeClient
import KubeModel

/// A reconcile run inside its object's trace (upstream's `setupReconcileTrace` and
/// `persistReconcileTrace`): with tracing on, the span joins the trace the object carries, a new
/// trace is written onto the object with one merge patch before the reconcile goes on (so the Jobs
/// and Works it makes carry it), and the span ends with the reconcile's outcome. With tracing off
/// this is just the reconcile.
enum ReconcileTrace {
    /// The same for a typed object, patched through its JSON.
    static func run<R: KubeResource, Result: Sendable>(
        _ operation: String, object: R, client: KubeClient, _ body: (R) async throws -> Result
    ) async throws -> Result {
        guard KratixTelemetry.tracingEnabled, let json = KubeObject(try JSONValueEncoder().encode(object)) else {
            return try await body(object)
        }
        return try await run(operation, object: json, resource: R.groupVersionResource, client: client) { traced in
            try await body(traced == json ? object : try JSONValueDecoder().decode(R.self, from: traced.value))
        }
    }

    static func run<Result: Sendable>(
        _ operation: String, object: KubeObject, resource: GroupVersionResource, client: KubeClient,
        _ body: (KubeObject) async throws -> Result
    ) async throws -> Result {
        guard let trace = ObjectTrace.start(operation, annotations: object.annotations, generation: object.generation) else {
            return try await body(object)
        }
        do {
            var traced = object
            if let persist = trace.annotationsToPersist, object.deletionTimestamp == nil {
                let values: JSONObject = persist.reduce(into: [:]) { $0[$1.key] = $1.value.isEmpty ? .null : .string($1.value) }
                traced = try await client.patch(resource, name: object.name ?? "", namespace: object.namespace,
                                                .merge(["metadata": ["annotations": .object(values)]]))
            }
            let result = try await body(traced)
            trace.end()
            return result
        } catch {
            trace.end(error: error)
            throw error
        }
    }
}
