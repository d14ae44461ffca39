/// The HTTP methods the Kubernetes API uses.
public enum HTTPMethod: String, Sendable, Hashable {
    case GET, POST, PUT, PATCH, DELETE

    /// Whether repeating the request cannot change the outcome, so a failure after it may have been
    /// sent can be retried. PATCH is not (a JSON patch `add` to a list applies twice).
    public var isIdempotent: Bool {
        switch self {
        case .GET, .PUT, .DELETE: return true
        case .POST, .PATCH: return false
        }
    }
}
