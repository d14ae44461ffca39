import KubeModel

/// The last step of admission before a write is stored: the validating webhooks, given the
/// object exactly as it will be stored (defaulted, with its uid and generated name) and the
/// object it replaces. Returns the warnings to pass to the client.
protocol AdmissionValidation: Sendable {
    func validate(object: JSONObject?, oldObject: JSONObject?) async throws(APIError) -> [String]
}

/// Writes whose fully formed object is validated by admission webhooks before it is stored, as
/// the real registry calls its `createValidation` / `updateValidation` after the strategy has
/// prepared the object. The store keeps serving other requests while the webhooks are called;
/// what could have changed meanwhile is checked again before the object is stored (a create finds
/// the name taken, an update finds a newer resourceVersion: 409, as etcd's precondition would).
extension ObjectStore {
    func create(_ resource: APIResource, namespace: String?, object input: JSONObject, dryRun: Bool, manager: String?,
                validation: any AdmissionValidation) async throws(APIError) -> (object: JSONObject, warnings: [String]) {
        let prepared = try applyCreate(resource, namespace: namespace, object: input, dryRun: true, manager: manager)
        let warnings = try await validation.validate(object: prepared, oldObject: nil)
        if dryRun { return (prepared, warnings) }
        let name = prepared["metadata"]?["name"]?.stringValue ?? ""
        let stored = try await durably { () throws(APIError) in
            try finishCreate(resource, namespace: namespace, name: name, object: prepared)
        }
        return (stored, warnings)
    }

    func update(_ resource: APIResource, namespace: String?, name: String, object input: JSONObject, subresource: String?, dryRun: Bool,
                manager: String?, validation: any AdmissionValidation) async throws(APIError) -> (object: JSONObject, warnings: [String]) {
        let (existing, object) = try prepareUpdate(resource, namespace: namespace, name: name, object: input, subresource: subresource, manager: manager)
        let warnings = try await validation.validate(object: object, oldObject: existing)
        var comparable = object
        comparable["metadata"]?["resourceVersion"] = existing["metadata"]?["resourceVersion"]
        if JSONValue.object(comparable) == JSONValue.object(existing) { return (existing, warnings) }
        if dryRun { return (object, warnings) }
        let stored = try await durably { () throws(APIError) in
            let current = objects[resource.groupResource]?[key(resource.namespaced ? namespace : nil, name)]
            guard let current else { throw APIError.notFound(resource.groupResource, name) }
            guard current["metadata"]?["resourceVersion"] == existing["metadata"]?["resourceVersion"] else {
                throw APIError.conflict(resource.groupResource, name)
            }
            return try finishUpdate(resource, namespace: namespace, name: name, existing: existing, object: object, subresource: subresource)
        }
        return (stored, warnings)
    }

    /// Reads the webhooks of the stored configurations again after one of them was written.
    func refreshAdmissionWebhooks(after groupResource: String) {
        if groupResource == AdmissionWebhookSet.mutatingResource || groupResource == AdmissionWebhookSet.validatingResource {
            admissionWebhooks.replace(with: AdmissionWebhookSet(objects: objects))
        }
    }
}
