import Synchronization

/// Requests the server answered, counted by the client's product (the `User-Agent` up to its first
/// `/`), so a bench can say how many each part of the platform made, whether it runs in this
/// process or in a pod (a real kube-apiserver has `apiserver_request_total` for this).
public final class RequestTally: Sendable {
    private let counts = Mutex<(byProduct: [String: Int], byRequest: [String: Int])>(([:], [:]))

    public init() {}

    func count(userAgent: String?, method: String, path: String) {
        var product = userAgent.map { String($0.prefix { $0 != "/" && $0 != " " }) } ?? ""
        if product.isEmpty { product = "unknown" }
        let detail = "\(product) \(method) \(Self.resource(of: path))"
        counts.withLock { counts in
            counts.byProduct[product, default: 0] += 1
            counts.byRequest[detail, default: 0] += 1
        }
    }

    /// Requests so far by product.
    public var snapshot: [String: Int] { counts.withLock { $0.byProduct } }

    /// Requests so far by `product METHOD resource[/subresource]`.
    public var detail: [String: Int] { counts.withLock { $0.byRequest } }

    /// `pods/status` of `/api/v1/namespaces/ns/pods/name/status` (what a path addresses).
    static func resource(of path: String) -> String {
        let parts = path.split(separator: "?").first.map { $0.split(separator: "/").map(String.init) } ?? []
        guard let first = parts.first else { return path }
        var index = first == "api" ? 2 : first == "apis" ? 3 : parts.count
        if index < parts.count, parts[index] == "namespaces", parts.count > index + 2 { index += 2 }
        guard index < parts.count else { return path }
        let rest = parts[index...]
        return rest.count > 2 ? "\(rest[rest.startIndex])/\(rest[rest.startIndex + 2])" : rest[rest.startIndex]
    }
}
