import KubeModel
import Logging

/// Writes through the admission webhooks: creates, updates (PUT, patches, server-side apply and
/// the subresources a rule names, `status` included) and deletes. With no webhook configured a
/// write costs one lock more than before.
extension APIHandler {
    static let admissionLogger = Logger(label: "kratix.apiserver.admission")

    /// The webhooks whose rules match the write `attributes` describe; nil when none do (none
    /// configured, rules for other resources or operations, or the admission configuration kinds
    /// themselves, which are exempt): the write then goes straight to the store, as without
    /// webhooks. Selectors are left to the dispatcher (they may need the namespace).
    func webhooks(for attributes: @autoclosure () -> AdmissionAttributes, resource: APIResource) -> AdmissionWebhookSet? {
        let configured = store.admissionWebhooks.current
        if configured.isEmpty || AdmissionAttributes.isExempt(resource) { return nil }
        let attributes = attributes()
        var candidates = AdmissionWebhookSet()
        candidates.mutating = configured.mutating.filter { $0.rules.contains { $0.matches(attributes) } }
        candidates.validating = configured.validating.filter { $0.rules.contains { $0.matches(attributes) } }
        return candidates.isEmpty ? nil : candidates
    }

    var admissionDispatcher: AdmissionWebhookDispatcher {
        AdmissionWebhookDispatcher(transport: webhookTransport, store: store, logger: Self.admissionLogger)
    }

    private func attributes(_ operation: AdmissionAttributes.Operation, _ request: APIRequest, _ resource: APIResource, namespace: String?, name: String,
                            subresource: String?, object: JSONObject?, oldObject: JSONObject?, dryRun: Bool, options: String) -> AdmissionAttributes {
        AdmissionAttributes(
            operation: operation, resource: resource, subresource: subresource ?? "", name: name,
            namespace: resource.isCoreNamespace ? name : (resource.namespaced ? namespace ?? "" : ""),
            object: object, oldObject: oldObject, user: request.user ?? .admin, dryRun: dryRun,
            options: AdmissionAttributes.options(options, query: request.query))
    }

    /// Creates `object` after the mutating webhooks have patched it and the validating ones have
    /// accepted what would be stored. Returns the stored object and the webhooks' warnings.
    func admittedCreate(_ request: APIRequest, _ resource: APIResource, namespace: String?, object: JSONObject, dryRun: Bool,
                        manager: String?) async throws(APIError) -> (object: JSONObject, warnings: [String]) {
        guard let webhooks = webhooks(for: attributes(.create, request, resource, namespace: namespace, name: "", subresource: nil, object: nil, oldObject: nil,
                                                      dryRun: dryRun, options: "CreateOptions"), resource: resource)
        else {
            return (try await store.create(resource, namespace: namespace, object: object, dryRun: dryRun, manager: manager), [])
        }
        var sent = object
        if resource.namespaced, let namespace, sent["metadata"]?["namespace"]?.stringValue?.isEmpty ?? true {
            var meta = sent["metadata"]?.objectValue ?? [:]
            meta["namespace"] = .string(namespace)
            sent["metadata"] = .object(meta)
        }
        let name = sent["metadata"]?["name"]?.stringValue ?? ""
        let attributes = attributes(.create, request, resource, namespace: namespace, name: name, subresource: nil,
                                    object: sent, oldObject: nil, dryRun: dryRun, options: "CreateOptions")
        let (mutated, warnings) = try await admissionDispatcher.mutate(attributes, webhooks: webhooks.mutating)
        let validation = WebhookValidation(dispatcher: admissionDispatcher, attributes: attributes, webhooks: webhooks.validating)
        do {
            let (stored, more) = try await store.create(resource, namespace: namespace, object: mutated ?? sent, dryRun: dryRun, manager: manager, validation: validation)
            return (stored, warnings + more)
        } catch {
            var failure = error
            failure.warnings = warnings + failure.warnings
            throw failure
        }
    }

    /// Updates an object (PUT, patch, apply, a subresource) through the webhooks; `current` is
    /// the stored object when the caller has read it already.
    func admittedUpdate(_ request: APIRequest, _ resource: APIResource, namespace: String?, name: String, object: JSONObject, subresource: String?,
                        dryRun: Bool, manager: String?, current: JSONObject? = nil) async throws(APIError) -> (object: JSONObject, warnings: [String]) {
        guard let webhooks = webhooks(for: attributes(.update, request, resource, namespace: namespace, name: name, subresource: subresource, object: nil,
                                                      oldObject: nil, dryRun: dryRun, options: "UpdateOptions"), resource: resource)
        else {
            let stored = try await store.update(resource, namespace: namespace, name: name, object: object, subresource: subresource, dryRun: dryRun, manager: manager)
            return (stored, [])
        }
        let old: JSONObject
        if let current { old = current } else { old = try await store.get(resource, namespace: namespace, name: name) }
        let attributes = attributes(.update, request, resource, namespace: namespace, name: name, subresource: subresource,
                                    object: object, oldObject: old, dryRun: dryRun, options: "UpdateOptions")
        let (mutated, warnings) = try await admissionDispatcher.mutate(attributes, webhooks: webhooks.mutating)
        let validation = WebhookValidation(dispatcher: admissionDispatcher, attributes: attributes, webhooks: webhooks.validating)
        do {
            let (stored, more) = try await store.update(resource, namespace: namespace, name: name, object: mutated ?? object, subresource: subresource,
                                                        dryRun: dryRun, manager: manager, validation: validation)
            return (stored, warnings + more)
        } catch {
            var failure = error
            failure.warnings = warnings + failure.warnings
            throw failure
        }
    }

    /// The webhooks of a delete, before the object goes: mutating ones see neither object (as
    /// upstream calls them), validating ones the stored object as `oldObject`. Returns their
    /// warnings.
    func admitDelete(_ request: APIRequest, _ resource: APIResource, namespace: String?, name: String, options: JSONValue, dryRun: Bool) async throws(APIError) -> [String] {
        guard let webhooks = webhooks(for: attributes(.delete, request, resource, namespace: namespace, name: name, subresource: nil, object: nil,
                                                      oldObject: nil, dryRun: dryRun, options: "DeleteOptions"), resource: resource)
        else { return [] }
        var attributes = attributes(.delete, request, resource, namespace: namespace, name: name, subresource: nil,
                                    object: nil, oldObject: nil, dryRun: dryRun, options: "DeleteOptions")
        for (key, value) in options.objectValue ?? [:] where key != "kind" && key != "apiVersion" { attributes.options[key] = value }
        if let policy = request.query["propagationPolicy"] { attributes.options["propagationPolicy"] = .string(policy) }
        let (_, warnings) = try await admissionDispatcher.mutate(attributes, webhooks: webhooks.mutating)
        do {
            attributes.oldObject = try await store.get(resource, namespace: namespace, name: name)
            return warnings + (try await admissionDispatcher.validate(attributes, webhooks: webhooks.validating))
        } catch {
            var failure = error
            failure.warnings = warnings + failure.warnings
            throw failure
        }
    }
}
