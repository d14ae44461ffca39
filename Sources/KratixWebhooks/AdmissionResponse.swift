import Foundation
import KubeModel

/// A webhook's answer: allowed or denied with a message, warnings, and (mutating webhooks) a JSON
/// Patch. Denials carry controller-runtime's status: 403 Forbidden, or the code of an API error.
public struct AdmissionResponse: Sendable, Equatable {
    public var allowed: Bool
    public var message: String?
    public var code: Int
    public var reason: String
    public var warnings: [String]
    /// RFC 6902 operations; empty when nothing changes.
    public var patch: [JSONValue]

    public static func allow(warnings: [String] = [], patch: [JSONValue] = []) -> AdmissionResponse {
        AdmissionResponse(allowed: true, message: nil, code: 200, reason: "", warnings: warnings, patch: patch)
    }

    public static func deny(_ message: String, warnings: [String] = [], code: Int = 403, reason: String = "Forbidden") -> AdmissionResponse {
        AdmissionResponse(allowed: false, message: message, code: code, reason: reason, warnings: warnings, patch: [])
    }

    /// The `AdmissionReview` answering the request with `uid`.
    public func review(uid: String) -> JSONValue {
        var response: JSONObject = ["uid": .string(uid), "allowed": .bool(allowed)]
        if !allowed {
            response["status"] = ["metadata": [:], "message": .string(message ?? ""), "reason": .string(reason), "code": .int(Int64(code))]
        } else {
            response["status"] = ["metadata": [:], "code": 200]
        }
        if !warnings.isEmpty { response["warnings"] = .array(warnings.map(JSONValue.string)) }
        if !patch.isEmpty {
            let bytes = JSONValue.array(patch).serializedBytes()
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(Data(bytes).base64EncodedString())
        }
        return ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response)]
    }
}
