import KubeModel

/// The validating webhooks of one write, run by the store on the object it is about to store
/// (``ObjectStore/create(_:namespace:object:dryRun:manager:validation:)``), so that they see it
/// as the real server's `createValidation` / `updateValidation` do: defaulted, with its uid and
/// its generated name.
struct WebhookValidation: AdmissionValidation {
    var dispatcher: AdmissionWebhookDispatcher
    var attributes: AdmissionAttributes
    var webhooks: [AdmissionWebhook]

    func validate(object: JSONObject?, oldObject: JSONObject?) async throws(APIError) -> [String] {
        guard !webhooks.isEmpty else { return [] }
        var attributes = attributes
        attributes.object = object
        attributes.oldObject = oldObject
        if attributes.name.isEmpty, let name = object?["metadata"]?["name"]?.stringValue { attributes.name = name }
        return try await dispatcher.validate(attributes, webhooks: webhooks)
    }
}
