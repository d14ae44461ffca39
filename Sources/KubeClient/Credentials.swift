/// How the client authenticates. `description` never shows a secret, so a configuration can be
/// logged or printed safely.
public enum Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// No Authorization header (client certificates may still authenticate).
    case none
    case bearerToken(String)
    /// A file holding a bearer token, re-read when it changes: service account tokens rotate.
    case tokenFile(String)
    case basic(username: String, password: String)
    /// A credential plugin run on demand, its result cached until it expires.
    case exec(ExecCredentialConfig)

    public var description: String {
        switch self {
        case .none: return "none"
        case .bearerToken: return "bearer token <redacted>"
        case .tokenFile(let path): return "token file \(path)"
        case .basic(let username, _): return "basic auth for \(username) <password redacted>"
        case .exec(let config): return "exec plugin \(config.command)"
        }
    }

    public var debugDescription: String { description }
}
