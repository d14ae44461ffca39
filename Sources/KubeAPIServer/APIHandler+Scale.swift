import KubeModel

/// The `scale` subresource of Deployments and ReplicaSets (`kubectl scale`): an `autoscaling/v1`
/// Scale read from the object, and writes of it that change only `spec.replicas`.
extension APIHandler {
    func scale(_ request: APIRequest, _ resource: APIResource, namespace: String?, name: String, dryRun: Bool) async throws(APIError) -> APIResponse {
        let current = try await store.get(resource, namespace: namespace, name: name)
        switch request.method {
        case "GET":
            return .json(Self.scale(of: current))
        case "PUT", "PATCH":
            // A PUT sends the Scale; a patch of any kind applies to it, as to any object.
            let wanted = request.method == "PUT" ? JSONValue.object(try body(request))
                : JSONValue.object(try applyPatch(request, to: Self.scale(of: current).objectValue ?? [:], resource: resource))
            guard let replicas = wanted[path: ["spec", "replicas"]]?.intValue, replicas >= 0 else {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: name, causes: [("spec.replicas", "Invalid value: must be greater than or equal to 0")])
            }
            var object = current
            object["spec"]?["replicas"] = .int(replicas)
            let updated = try await store.update(resource, namespace: namespace, name: name, object: object, subresource: nil, dryRun: dryRun,
                                                 manager: fieldManager(request))
            return .json(Self.scale(of: updated))
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    static func scale(of object: JSONObject) -> JSONValue {
        let value = JSONValue.object(object)
        let meta = value["metadata"] ?? [:]
        var metadata: JSONObject = [:]
        for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { metadata[field] = meta[field] }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
            "spec": ["replicas": value[path: ["spec", "replicas"]] ?? 0],
            "status": [
                "replicas": value[path: ["status", "replicas"]] ?? 0,
                "selector": .string(TableConverter.selector(value[path: ["spec", "selector"]]).replacingOccurrences(of: "<none>", with: "")),
            ],
        ]
    }
}
