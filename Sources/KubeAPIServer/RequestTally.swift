import Synchronization

/// Requests the server answered, counted by the client's product (the `User-Agent` up to its first
/// `/`), so a bench can say how many each part of the platform made, whether it runs in this
/// process or in a pod (a real kube-apiserver has `apiserver_request_total` for this).
public final class RequestTally: Sendable {
    private let counts = Mutex<(byProduct: [String: Int], byRequest: [Key: Int])>(([:], [:]))

    public init() {}

    func count(userAgent: String?, method: String, path: String) {
        let product = userAgent?.prefix { $0 != "/" && $0 != " " } ?? ""
        let key = Key(product: product.isEmpty ? "unknown" : String(product), method: method, resource: Self.resource(of: path))
        counts.withLock { counts in
            counts.byProduct[key.product, default: 0] += 1
            counts.byRequest[key, default: 0] += 1
        }
    }

    /// What a request is counted under in ``detail``.
    private struct Key: Hashable {
        var product: String
        var method: String
        var resource: Substring
    }

    /// Requests so far by product.
    public var snapshot: [String: Int] { counts.withLock { $0.byProduct } }

    /// Requests so far by `product METHOD resource[/subresource]`.
    public var detail: [String: Int] {
        counts.withLock { counts in
            Dictionary(counts.byRequest.map { ("\($0.key.product) \($0.key.method) \($0.key.resource)", $0.value) }, uniquingKeysWith: +)
        }
    }

    /// `pods/status` of `/api/v1/namespaces/ns/pods/name/status` (what a path addresses).
    static func resource(of path: String) -> Substring {
        // Split as bytes: the tally runs on every request the bench makes.
        let utf8 = path.utf8
        let parts = utf8[..<(utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex)].split(separator: UInt8(ascii: "/")).map(Substring.init)
        guard let first = parts.first else { return path[...] }
        var index = first == "api" ? 2 : first == "apis" ? 3 : parts.count
        if index < parts.count, parts[index] == "namespaces", parts.count > index + 2 { index += 2 }
        guard index < parts.count else { return path[...] }
        let rest = parts[index...]
        // No subresource (the common case): the resource's own substring, no new string.
        guard rest.count > 2 else { return rest[rest.startIndex] }
        // `resource/name/subresource` → `resource/subresource`.
        return "\(rest[rest.startIndex])/\(rest[rest.startIndex + 2])"[...]
    }
}
