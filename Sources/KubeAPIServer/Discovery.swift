import KubeModel

/// The discovery documents clients read to map kinds to URLs.
enum Discovery {
    static func groupList(_ resources: [APIResource]) -> JSONValue {
        var versionsByGroup: [String: [String]] = [:]
        var order: [String] = []
        for resource in resources where !resource.group.isEmpty {
            if versionsByGroup[resource.group] == nil { order.append(resource.group) }
            if !(versionsByGroup[resource.group]?.contains(resource.version) ?? false) {
                versionsByGroup[resource.group, default: []].append(resource.version)
            }
        }
        let groups: [JSONValue] = order.map { group in
            let versions = versionsByGroup[group] ?? []
            let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }
            return ["name": .string(group), "versions": .array(entries), "preferredVersion": entries.first ?? [:]]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    static func resourceList(groupVersion: GroupVersion, _ resources: [APIResource]) -> JSONValue {
        [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion.apiVersion),
            "resources": .array(resources.flatMap(\.discoveryEntries)),
        ]
    }

    static func list(_ resource: APIResource, items: [JSONObject], resourceVersion: String, continueToken: String? = nil) -> JSONValue {
        var metadata: JSONObject = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        return [
            "apiVersion": .string(resource.apiVersion), "kind": .string(resource.kind + "List"),
            "metadata": .object(metadata),
            "items": .array(items.map(JSONValue.object)),
        ]
    }
}

/// OpenAPI v3 documents: enough for kubectl to see that the server validates fields itself
/// (`fieldValidation` on PATCH), which is what lets `kubectl apply` skip client-side validation.
enum OpenAPIDocuments {
    static func pathKey(_ resource: APIResource) -> String {
        resource.group.isEmpty ? "api/\(resource.version)" : "apis/\(resource.group)/\(resource.version)"
    }

    static func root(_ resources: [APIResource]) -> JSONValue {
        var paths = JSONObject()
        for resource in resources {
            let key = pathKey(resource)
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)")]
        }
        return ["paths": .object(paths)]
    }

    static func groupVersion(_ gv: String, resources: [APIResource]) -> JSONValue? {
        let matching = resources.filter { pathKey($0) == gv }
        guard !matching.isEmpty else { return nil }
        var paths = JSONObject()
        var schemas = JSONObject()
        let parameters: JSONValue = [
            ["name": "dryRun", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ["name": "fieldManager", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ["name": "force", "in": "query", "schema": ["type": "boolean", "uniqueItems": true]],
        ]
        for resource in matching {
            let prefix = "/" + gv + (resource.namespaced ? "/namespaces/{namespace}" : "")
            let gvk: JSONValue = ["group": .string(resource.group), "version": .string(resource.version), "kind": .string(resource.kind)]
            let schemaName = schemaName(resource)
            let reference: JSONValue = ["$ref": .string("#/components/schemas/\(schemaName)")]
            let okResponse: JSONValue = ["200": ["description": "OK", "content": ["application/json": ["schema": reference]]]]
            func operation(_ action: String, _ id: String) -> JSONValue {
                [
                    "operationId": .string(id + resource.kind), "parameters": parameters, "responses": okResponse,
                    "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
                ]
            }
            paths["\(prefix)/\(resource.plural)/{name}"] = [
                "get": operation("get", "read"), "put": operation("put", "replace"),
                "patch": operation("patch", "patch"), "delete": operation("delete", "delete"),
            ]
            paths["\(prefix)/\(resource.plural)"] = ["get": operation("list", "list"), "post": operation("post", "create")]
            var schema = resource.schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            schema["x-kubernetes-group-version-kind"] = [gvk]
            schemas[schemaName] = schema
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.31.0"],
            "paths": .object(paths), "components": ["schemas": .object(schemas)],
        ]
    }

    static func schemaName(_ resource: APIResource) -> String {
        let group = resource.group.isEmpty ? "core" : resource.group
        let reversed = group.split(separator: ".").reversed().joined(separator: ".")
        return "\(reversed).\(resource.version).\(resource.kind)"
    }
}
