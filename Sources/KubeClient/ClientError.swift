import KubeModel

/// Everything a request can fail with, one case per outcome a caller handles differently.
///
/// API failures carry the server's ``APIStatus``; `description` is the server's message (for example
/// `promises.platform.kratix.io "redis" not found`), so errors can be shown to people as they are.
/// No case ever carries a token, password, key or request body.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    case notFound(APIStatus)
    /// 409 with reason `AlreadyExists`: a create named an object that exists.
    case alreadyExists(APIStatus)
    /// 409 otherwise: an update carried a stale resourceVersion, or an apply conflicted with another manager.
    case conflict(APIStatus)
    /// 422: the object failed validation; `status.details.causes` names the fields.
    case invalid(APIStatus)
    case badRequest(APIStatus)
    case unauthorized(APIStatus)
    case forbidden(APIStatus)
    /// 410: the resourceVersion a watch or list continued from has been compacted; relist.
    case gone(APIStatus)
    case tooManyRequests(APIStatus, retryAfter: Duration?)
    case timeout(APIStatus)
    case methodNotAllowed(APIStatus)
    case unsupportedMediaType(APIStatus)
    /// Any other HTTP failure (mostly 5xx).
    case server(APIStatus)
    /// The request did not get an HTTP answer: connection refused, TLS failure, reset. Names host:port.
    case transport(String)
    /// The configuration cannot be used: names the kubeconfig file and field, or the in-cluster file.
    case configuration(String)
    /// A response or object could not be read: names the object and field.
    case decoding(String)

    /// Classifies a server status (from a response or a watch ERROR event).
    public init(status: APIStatus, retryAfter: Duration? = nil) {
        switch status.code {
        case 400: self = .badRequest(status)
        case 401: self = .unauthorized(status)
        case 403: self = .forbidden(status)
        case 404: self = .notFound(status)
        case 405: self = .methodNotAllowed(status)
        case 408, 504: self = .timeout(status)
        case 409 where status.reason == "AlreadyExists": self = .alreadyExists(status)
        case 409: self = .conflict(status)
        case 410: self = .gone(status)
        case 415: self = .unsupportedMediaType(status)
        case 422: self = .invalid(status)
        case 429:
            let hinted = status.details?.retryAfterSeconds.map { Duration.seconds($0) }
            self = .tooManyRequests(status, retryAfter: retryAfter ?? hinted)
        default:
            if status.reason == "Timeout" || status.reason == "ServerTimeout" {
                self = .timeout(status)
            } else {
                self = .server(status)
            }
        }
    }

    /// The server's status, for the cases that have one.
    public var status: APIStatus? {
        switch self {
        case .notFound(let s), .alreadyExists(let s), .conflict(let s), .invalid(let s), .badRequest(let s),
            .unauthorized(let s), .forbidden(let s), .gone(let s), .tooManyRequests(let s, _), .timeout(let s),
            .methodNotAllowed(let s), .unsupportedMediaType(let s), .server(let s):
            return s
        case .transport, .configuration, .decoding:
            return nil
        }
    }

    /// The HTTP code of API failures; `nil` for transport, configuration and decoding errors.
    public var code: Int? { status?.code }

    public var description: String {
        switch self {
        case .transport(let message): return message
        case .configuration(let message): return "invalid client configuration: \(message)"
        case .decoding(let message): return message
        default:
            guard let status else { return "unknown error" }
            if !status.message.isEmpty { return status.message }
            return "the server responded with HTTP \(status.code) (\(status.reason.isEmpty ? APIStatus.reason(forCode: status.code) : status.reason))"
        }
    }
}
