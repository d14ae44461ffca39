import KubeModel

/// A failed request, rendered as the `metav1.Status` body clients decode.
public struct APIError: Error, Sendable, Equatable {
    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, `MethodNotAllowed`, …
    public var reason: String
    public var message: String
    public var details: JSONObject?
    /// `Warning` headers sent with the error (an admission webhook's, given with its denial).
    public var warnings: [String] = []

    public init(code: Int, reason: String, message: String, details: JSONObject? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public static func notFound(_ resource: String, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found",
                 details: ["name": .string(name), "kind": .string(resource)])
    }

    public static func alreadyExists(_ resource: String, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists",
                 details: ["name": .string(name), "kind": .string(resource)])
    }

    public static func conflict(_ resource: String, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 details: ["name": .string(name), "kind": .string(resource)])
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 422 with field causes, as the API server reports validation failures: the kind is qualified
    /// by its group in the message (`Job.batch "x" is invalid: …`) and named in `details` with the
    /// group, and each cause's reason follows from its message (`Required value` is
    /// `FieldValueRequired`, as Kubernetes' `field.Error` types say).
    public static func invalid(kind: String, group: String = "", name: String, causes: [(field: String, message: String)]) -> APIError {
        let summary = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        var details: JSONObject = [
            "name": .string(name), "kind": .string(kind),
            "causes": .array(causes.map { ["reason": .string(causeReason($0.message)), "message": .string($0.message), "field": .string($0.field)] }),
        ]
        if !group.isEmpty { details["group"] = .string(group) }
        return APIError(code: 422, reason: "Invalid", message: "\(qualified) \"\(name)\" is invalid: \(summary)", details: details)
    }

    /// The `metav1.CauseType` of a `field.Error` message.
    static func causeReason(_ message: String) -> String {
        let reasons: [(String, String)] = [
            ("Required value", "FieldValueRequired"), ("Duplicate value", "FieldValueDuplicate"),
            ("Unsupported value", "FieldValueNotSupported"), ("Not found", "FieldValueNotFound"),
            ("Forbidden", "FieldValueForbidden"), ("Too long", "FieldValueTooLong"), ("Too many", "FieldValueTooMany"),
            ("Internal error", "InternalError"),
        ]
        return reasons.first { message.hasPrefix($0.0) }?.1 ?? "FieldValueInvalid"
    }

    public static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    public static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    public var status: JSONValue {
        var o: JSONObject = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message),
        ]
        // An admission webhook's denial may carry no reason; the real server omits it then.
        if !reason.isEmpty { o["reason"] = .string(reason) }
        if let details { o["details"] = .object(details) }
        o["code"] = .int(Int64(code))
        return .object(o)
    }
}

extension APIError {
    /// 500 `InternalError`, worded as the API server's `NewInternalError`.
    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: ["causes": [["message": .string(message)]]])
    }
}
