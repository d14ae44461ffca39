/// A request that got no HTTP answer, classified by whether it may have reached the server.
///
/// Connection failures before anything was written are safe to retry for every verb; failures on
/// an established connection are retried only for idempotent verbs; TLS verification failures and
/// the like are configuration problems that retrying cannot fix.
public enum TransportFailure: Sendable, Equatable {
    /// Connection refused, unreachable, connect timeout: nothing was sent.
    case notSent(String)
    /// Reset, closed, timed out after the request may have been sent.
    case interrupted(String)
    /// TLS handshake or certificate failure, invalid URL, client shut down.
    case permanent(String)

    public var message: String {
        switch self {
        case .notSent(let m), .interrupted(let m), .permanent(let m): return m
        }
    }
}
