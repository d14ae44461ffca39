import Foundation
import KubeModel

/// The `admission.k8s.io` `AdmissionReview` a webhook is sent, and the checks upstream's
/// `VerifyAdmissionResponse` makes of its answer.
enum AdmissionReview {
    /// The review sent for `attributes`, upstream's `CreateV1AdmissionReview`. `request.uid` is
    /// new for every call; the answer must carry it back.
    static func request(uid: String, attributes: AdmissionAttributes, version: String) -> JSONValue {
        let resource = attributes.resource
        let kind: JSONValue = ["group": .string(resource.group), "version": .string(resource.version), "kind": .string(resource.kind)]
        let gvr: JSONValue = ["group": .string(resource.group), "version": .string(resource.version), "resource": .string(resource.plural)]
        var user: JSONObject = ["username": .string(attributes.user.name)]
        if let uid = attributes.user.uid, !uid.isEmpty { user["uid"] = .string(uid) }
        if !attributes.user.groups.isEmpty { user["groups"] = .array(attributes.user.groups.map(JSONValue.string)) }
        var request: JSONObject = [
            "uid": .string(uid), "kind": kind, "resource": gvr,
        ]
        if !attributes.subresource.isEmpty { request["subResource"] = .string(attributes.subresource) }
        request["requestKind"] = kind
        request["requestResource"] = gvr
        if !attributes.subresource.isEmpty { request["requestSubResource"] = .string(attributes.subresource) }
        if !attributes.name.isEmpty { request["name"] = .string(attributes.name) }
        if !attributes.namespace.isEmpty { request["namespace"] = .string(attributes.namespace) }
        request["operation"] = .string(attributes.operation.rawValue)
        request["userInfo"] = .object(user)
        request["object"] = attributes.object.map(JSONValue.object) ?? .null
        request["oldObject"] = attributes.oldObject.map(JSONValue.object) ?? .null
        request["dryRun"] = .bool(attributes.dryRun)
        request["options"] = .object(attributes.options)
        return ["kind": "AdmissionReview", "apiVersion": .string("admission.k8s.io/\(version)"), "request": .object(request)]
    }

    /// A webhook's answer, once checked.
    struct Response: Sendable, Equatable {
        var allowed: Bool
        /// The decoded JSON patch (mutating webhooks only).
        var patch: JSONValue?
        /// `response.status` (a `metav1.Status`), given with a denial.
        var status: JSONObject?
        var warnings: [String]
    }

    /// Why an answer is not a valid review (upstream's messages), or could not be read.
    struct InvalidResponse: Error, Sendable, Equatable {
        var message: String
        /// Whether the body was no review at all (`failed to call webhook`) rather than a review
        /// that breaks a rule (`received invalid webhook response`).
        var undecodable = false
    }

    /// Checks a webhook's answer as upstream's `VerifyAdmissionResponse` does: a response is
    /// there, carries the request's uid and the right kind, and only a mutating webhook sends a
    /// patch, with its type.
    static func verify(_ body: [UInt8], uid: String, version: String, mutating: Bool) throws(InvalidResponse) -> Response {
        let review: JSONValue
        do {
            review = try JSONParser.parse(body)
        } catch {
            throw InvalidResponse(message: "\(error)", undecodable: true)
        }
        guard review.objectValue != nil else {
            throw InvalidResponse(message: "json: cannot unmarshal \(review.typeName) into Go value of type struct", undecodable: true)
        }
        guard let response = review["response"], let answer = response.objectValue else {
            throw InvalidResponse(message: "webhook response was absent")
        }
        if version == "v1" {
            let got = answer["uid"]?.stringValue ?? ""
            guard got == uid else { throw InvalidResponse(message: "expected response.uid=\"\(uid)\", got \"\(got)\"") }
            let apiVersion = review["apiVersion"]?.stringValue ?? ""
            let kind = review["kind"]?.stringValue ?? ""
            guard apiVersion == "admission.k8s.io/v1", kind == "AdmissionReview" else {
                let gvk = apiVersion.contains("/") ? "\(apiVersion), Kind=\(kind)" : "/\(apiVersion), Kind=\(kind)"
                throw InvalidResponse(message: "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got \(gvk)")
            }
        }
        let patchText = answer["patch"]?.stringValue ?? ""
        let patchType = answer["patchType"]?.stringValue
        var patch: JSONValue?
        if mutating {
            if version == "v1" {
                if !patchText.isEmpty && patchType == nil { throw InvalidResponse(message: "webhook returned response.patch but not response.patchType") }
                if patchText.isEmpty && patchType != nil { throw InvalidResponse(message: "webhook returned response.patchType but not response.patch") }
                if let patchType, patchType.isEmpty { throw InvalidResponse(message: "webhook returned invalid response.patchType of \"\"") }
                if let patchType, !patchText.isEmpty, patchType != "JSONPatch" {
                    throw InvalidResponse(message: "unsupported patch type \"\(patchType)\"")
                }
            }
            if !patchText.isEmpty {
                guard let bytes = Data(base64Encoded: patchText) else {
                    throw InvalidResponse(message: "illegal base64 data in response.patch", undecodable: true)
                }
                do {
                    patch = try JSONParser.parse(Array(bytes))
                } catch {
                    throw InvalidResponse(message: "received undecodable patch in webhook response: \(error)")
                }
            }
        } else if version == "v1" {
            if !patchText.isEmpty { throw InvalidResponse(message: "validating webhook may not return response.patch") }
            if patchType != nil { throw InvalidResponse(message: "validating webhook may not return response.patchType") }
        }
        return Response(
            allowed: answer["allowed"]?.boolValue ?? false, patch: patch,
            status: answer["status"]?.objectValue,
            warnings: (answer["warnings"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// The error a denial becomes (upstream's `ToStatusErr`): the webhook's status with its code
    /// (at least 400) and reason, and the message naming the webhook.
    static func denial(webhook: String, status: JSONObject?) -> APIError {
        let deniedBy = "admission webhook \"\(webhook)\" denied the request"
        let code = Int(status?["code"]?.intValue ?? 0)
        let message = status?["message"]?.stringValue ?? ""
        let reason = status?["reason"]?.stringValue ?? ""
        let text: String
        if !message.isEmpty {
            text = "\(deniedBy): \(message)"
        } else if !reason.isEmpty {
            text = "\(deniedBy): \(reason)"
        } else {
            text = "\(deniedBy) without explanation"
        }
        return APIError(code: code < 400 ? 400 : code, reason: reason, message: text, details: status?["details"]?.objectValue)
    }
}
