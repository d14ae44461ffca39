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
            let existing = Self.scale(of: current)
            let sent: JSONValue
            do {
                sent = try JSONParser.parse(request.body)
            } catch {
                throw APIError.badRequest("the request body is not valid JSON: \(error)")
            }
            let content = request.header("Content-Type") ?? ""
            let wanted = request.method == "PUT" ? sent
                : content.hasPrefix("application/json-patch") ? sent : JSONMergePatch.apply(sent, to: existing)
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
