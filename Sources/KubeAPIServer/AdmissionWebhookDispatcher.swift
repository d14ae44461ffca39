import Foundation
import KubeModel
import Logging

/// Calls the admission webhooks that apply to a write, as kube-apiserver's mutating and
/// validating webhook plugins do: mutating ones one after the other, each seeing the previous
/// one's patch; validating ones all at once; a denial ends the request with the webhook's status;
/// a failed call ends it with 500 (`failurePolicy: Fail`) or is logged and skipped (`Ignore`);
/// every warning reaches the client.
struct AdmissionWebhookDispatcher: Sendable {
    var transport: any AdmissionWebhookTransport
    var store: ObjectStore
    var logger: Logger

    /// Runs the mutating webhooks that apply, in order, returning the object after their patches
    /// and their warnings. The error thrown carries the warnings given until then.
    func mutate(_ attributes: AdmissionAttributes, webhooks: [AdmissionWebhook]) async throws(APIError) -> (object: JSONObject?, warnings: [String]) {
        var attributes = attributes
        var warnings: [String] = []
        for webhook in webhooks {
            do {
                guard try await applies(webhook, to: attributes) else { continue }
                guard let response = try await call(webhook, attributes) else { continue }
                warnings += response.warnings
                guard response.allowed else { throw AdmissionReview.denial(webhook: webhook.name, status: response.status) }
                guard let patch = response.patch, !(patch.arrayValue ?? []).isEmpty else { continue }
                guard let object = attributes.object else {
                    throw APIError.internalError("admission webhook \"\(webhook.name)\" attempted to modify the object, which is not supported for this operation")
                }
                let patched: JSONValue
                do {
                    patched = try JSONPatch.apply(patch, to: .object(object))
                } catch {
                    throw APIError.internalError(error.message)
                }
                guard let patchedObject = patched.objectValue else {
                    throw APIError.internalError("admission webhook \"\(webhook.name)\" patched the object into a \(patched.typeName)")
                }
                attributes.object = patchedObject
            } catch {
                var failure = error as? APIError ?? APIError.internalError("\(error)")
                failure.warnings = warnings + failure.warnings
                throw failure
            }
        }
        return (attributes.object, warnings)
    }

    /// Runs the validating webhooks that apply, concurrently as upstream does; when several deny,
    /// the first in configuration order is reported (upstream reports whichever answers first).
    func validate(_ attributes: AdmissionAttributes, webhooks: [AdmissionWebhook]) async throws(APIError) -> [String] {
        var selected: [AdmissionWebhook] = []
        for webhook in webhooks {
            if try await applies(webhook, to: attributes) { selected.append(webhook) }
        }
        if selected.isEmpty { return [] }
        let outcomes = await withTaskGroup(of: (Int, Result<AdmissionReview.Response?, APIError>).self) { group in
            for (index, webhook) in selected.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await call(webhook, attributes)))
                    } catch {
                        return (index, .failure(error as? APIError ?? APIError.internalError("\(error)")))
                    }
                }
            }
            var outcomes: [(Int, Result<AdmissionReview.Response?, APIError>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }
        var warnings: [String] = []
        var firstError: APIError?
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(let response?):
                warnings += response.warnings
                if !response.allowed, firstError == nil {
                    firstError = AdmissionReview.denial(webhook: selected[index].name, status: response.status)
                }
            case .success(nil):
                break
            case .failure(let error):
                if firstError == nil { firstError = error }
            }
        }
        if var firstError {
            firstError.warnings = warnings + firstError.warnings
            throw firstError
        }
        return warnings
    }

    /// Whether `webhook` is called for the write: its rules, then its object selector (the new or
    /// the old object's labels), then its namespace selector (the namespace's labels; a
    /// Namespace's own on its create or update).
    func applies(_ webhook: AdmissionWebhook, to attributes: AdmissionAttributes) async throws(APIError) -> Bool {
        guard webhook.rules.contains(where: { $0.matches(attributes) }) else { return false }
        if !webhook.objectSelector.isEmpty {
            let matchesNew = attributes.object.map { webhook.objectSelector.matches(Self.labels(of: $0)) } ?? false
            let matchesOld = attributes.oldObject.map { webhook.objectSelector.matches(Self.labels(of: $0)) } ?? false
            guard matchesNew || matchesOld else { return false }
        }
        if webhook.namespaceSelector.isEmpty || (attributes.namespace.isEmpty && !attributes.resource.isCoreNamespace) { return true }
        let labels: [String: String]
        if attributes.resource.isCoreNamespace, attributes.subresource.isEmpty,
           attributes.operation == .create || attributes.operation == .update, let object = attributes.object {
            labels = Self.labels(of: object)
        } else {
            let namespaces = BuiltinResources.all.first { $0.isCoreNamespace }!
            labels = Self.labels(of: try await store.get(namespaces, namespace: nil, name: attributes.namespace))
        }
        return webhook.namespaceSelector.matches(labels)
    }

    static func labels(of object: JSONObject) -> [String: String] {
        (object["metadata"]?["labels"]?.objectValue ?? [:]).reduce(into: [:]) { $0[$1.key] = $1.value.stringValue ?? "" }
    }

    /// One call: the dry-run check, the review, the answer checked. A failed call is a 500
    /// (`failurePolicy: Fail`) or nil (`Ignore`, logged).
    func call(_ webhook: AdmissionWebhook, _ attributes: AdmissionAttributes) async throws(APIError) -> AdmissionReview.Response? {
        if attributes.dryRun {
            guard webhook.sideEffects != nil else {
                return try failed(webhook, "Webhook SideEffects is nil")
            }
            guard webhook.allowsDryRun else {
                throw APIError.badRequest("admission webhook \"\(webhook.name)\" does not support dry run")
            }
        }
        let endpoint = await endpoint(of: webhook)
        let uid = UUID().uuidString.lowercased()
        let review = AdmissionReview.request(uid: uid, attributes: attributes, version: webhook.reviewVersion)
        let body: [UInt8]
        do {
            body = try await transport.post(review.serializedBytes(), to: endpoint, timeout: .seconds(webhook.timeoutSeconds))
        } catch {
            return try failed(webhook, "failed to call webhook: Post \"\(endpoint.displayURL)\": \(error.cause)")
        }
        do {
            return try AdmissionReview.verify(body, uid: uid, version: webhook.reviewVersion, mutating: webhook.kind == .mutating)
        } catch {
            return try failed(webhook, error.undecodable ? "failed to call webhook: \(error.message)" : "received invalid webhook response: \(error.message)")
        }
    }

    /// Upstream's `ErrCallingWebhook`: with `failurePolicy: Fail`, `Internal error occurred:
    /// failed calling webhook "name": <reason>`; with `Ignore`, logged and skipped.
    private func failed(_ webhook: AdmissionWebhook, _ reason: String) throws(APIError) -> AdmissionReview.Response? {
        let message = "failed calling webhook \"\(webhook.name)\": \(reason)"
        if webhook.failurePolicy == .ignore {
            logger.warning("Failed calling webhook, failing open \(webhook.name): \(message)")
            return nil
        }
        logger.warning("Failed calling webhook, failing closed \(webhook.name): \(message)")
        throw APIError.internalError(message)
    }

    /// The URL a webhook is called at. A Service is this machine (127.0.0.1): its `port` is the
    /// stored Service's matching port's `targetPort` when it has a numeric one, else the port
    /// itself; the certificate is checked for `name.namespace.svc`, as in a cluster.
    func endpoint(of webhook: AdmissionWebhook) async -> WebhookEndpoint {
        let timeout = "timeout=\(webhook.timeoutSeconds)s"
        switch webhook.clientConfig.target {
        case .url(let url):
            let full = url + (url.contains("?") ? "&" : "?") + timeout
            return WebhookEndpoint(displayURL: full, url: full, resolvedHost: nil, caBundle: webhook.clientConfig.caBundle)
        case .service(let namespace, let name, let path, let port):
            let host = "\(name).\(namespace).svc"
            var target = port
            let services = BuiltinResources.all.first { $0.group.isEmpty && $0.plural == "services" }!
            if let service = try? await store.get(services, namespace: namespace, name: name),
               let entry = service["spec"]?["ports"]?.arrayValue?.first(where: { $0["port"]?.intValue == Int64(port) }),
               let targetPort = entry["targetPort"]?.intValue {
                target = Int(targetPort)
            }
            return WebhookEndpoint(
                displayURL: "https://\(host):\(port)\(path)?\(timeout)",
                url: "https://\(host):\(target)\(path.isEmpty ? "/" : path)?\(timeout)",
                resolvedHost: host, caBundle: webhook.clientConfig.caBundle)
        }
    }
}
