import Synchronization

/// Requests the server answered, counted by the client's product (the `User-Agent` up to its first
/// `/`), so a bench can say how many each part of the platform made, whether it runs in this
/// process or in a pod (a real kube-apiserver has `apiserver_request_total` for this).
public final class RequestTally: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    func count(userAgent: String?) {
        let product = userAgent.map { String($0.prefix { $0 != "/" && $0 != " " }) } ?? ""
        counts.withLock { $0[product.isEmpty ? "unknown" : product, default: 0] += 1 }
    }

    /// Requests so far by product.
    public var snapshot: [String: Int] { counts.withLock { $0 } }
}
