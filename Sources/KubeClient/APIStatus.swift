import KubeModel

/// A failed request as the API server describes it: the `metav1.Status` body of an error response.
///
/// Decoded from the server's body when it is a `Status`; synthesised from the HTTP code otherwise
/// (a proxy's HTML page, an empty 503), so callers always get the same shape to switch on.
public struct APIStatus: Sendable, Equatable {
    /// The HTTP status code the server meant (for watch ERROR events, the one inside the Status).
    public var code: Int
    /// The machine-readable reason: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, …
    public var reason: String
    /// The server's sentence for a person, e.g. `promises.platform.kratix.io "redis" not found`.
    public var message: String
    public var details: Details?

    public init(code: Int, reason: String, message: String, details: Details? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// What the error is about: the object and, for validation errors, each field at fault.
    public struct Details: Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]
        /// The server's hint for when to try again (429 and some 5xx).
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil, causes: [Cause] = [], retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One problem with a request, usually one field of an invalid object.
    public struct Cause: Sendable, Equatable {
        /// The cause type, e.g. `FieldValueRequired`, `FieldValueInvalid` (`reason` on the wire).
        public var reason: String?
        public var message: String
        /// The field path, e.g. `spec.workloadGroups`.
        public var field: String?

        public init(reason: String? = nil, message: String, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }

        /// The same, naming the cause type as Go's `metav1.StatusCause.Type` does.
        public init(type: String?, message: String, field: String? = nil) {
            self.init(reason: type, message: message, field: field)
        }

        /// The cause type under the name Go's `metav1.StatusCause.Type` gives it.
        public var type: String? { reason }
    }
}

extension APIStatus {
    /// Reads a `Status` object; `nil` when the value is not one (`kind` must be `Status`).
    public init?(_ value: JSONValue) {
        guard value["kind"]?.stringValue == "Status" else { return nil }
        let code = value["code"]?.intValue.map { Int($0) } ?? 0
        self.init(
            code: code,
            reason: value["reason"]?.stringValue ?? "",
            message: value["message"]?.stringValue ?? "",
            details: value["details"].flatMap(Details.init))
    }

    /// A status for a response whose body is not a `Status`: the reason is the one the API server
    /// would have used for the code.
    public init(synthesizedFor code: Int, message: String? = nil) {
        let reason = Self.reason(forCode: code)
        let text = (message?.isEmpty ?? true) ? "the server responded with HTTP \(code) (\(reason))" : message!
        self.init(code: code, reason: reason, message: text)
    }

    /// The `metav1.StatusReason` the API server uses for an HTTP code.
    public static func reason(forCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}

extension APIStatus.Details {
    init?(_ value: JSONValue) {
        guard case .object = value else { return nil }
        let causes: [APIStatus.Cause] = (value["causes"]?.arrayValue ?? []).map { cause in
            APIStatus.Cause(
                reason: cause["reason"]?.stringValue,
                message: cause["message"]?.stringValue ?? "",
                field: cause["field"]?.stringValue)
        }
        self.init(
            name: value["name"]?.stringValue,
            group: value["group"]?.stringValue,
            kind: value["kind"]?.stringValue,
            uid: value["uid"]?.stringValue,
            causes: causes,
            retryAfterSeconds: value["retryAfterSeconds"]?.intValue.map { Int($0) })
    }
}
