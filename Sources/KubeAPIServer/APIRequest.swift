import KubeModel

/// An HTTP request as the API layer sees it: method, path, query and body, independent of NIO.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Who the request acts as, once ``APIServer`` has authenticated it (and applied any
    /// impersonation); `nil` means the server does not authenticate, and the request acts as
    /// ``UserInfo/admin``.
    public var user: UserInfo?
    /// Whether the server enforces RBAC for this request (``AuthorizationMode/rbac``): then
    /// writes of roles and bindings are also held to the escalation rules.
    public var enforcesRBAC = false

    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], user: UserInfo? = nil) {
        self.method = method
        self.user = user
        self.headers = headers
        self.body = body
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = Self.percentDecode(String(parts[0]))
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.percentDecode(String(kv[0]))
                query[key] = kv.count > 1 ? Self.percentDecode(String(kv[1])) : ""
            }
        }
        self.query = query
    }

    /// A boolean query parameter, read as Go's `strconv.ParseBool` does (`true`, `True`, `1`, `t`…):
    /// clients differ in how they spell it (the Python client sends `True`).
    public func flag(_ name: String) -> Bool {
        guard let value = query[name] else { return false }
        return ["1", "t", "T", "true", "TRUE", "True"].contains(value)
    }

    public func header(_ name: String) -> String? {
        headers.first { Self.sameHeaderName($0.name, name) }?.value
    }

    /// Every value of a header that may repeat (`Impersonate-Group`).
    public func headerValues(_ name: String) -> [String] {
        headers.filter { Self.sameHeaderName($0.name, name) }.map(\.value)
    }

    /// Header names compare without regard to ASCII case (RFC 9110 §5.1), byte by byte: read on
    /// every request, so without lower-casing two strings each time.
    static func sameHeaderName(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(x | 0x20))
        }
    }

    /// `+` is a space in query strings; `%XX` escapes anywhere.
    static func percentDecode(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return s }
        var bytes: [UInt8] = []
        var iterator = Array(s.utf8).makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
                let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the handler answers: a complete response, a watch to stream, or another streamed body
/// (`pods/log?follow=true`).
public enum APIResult: Sendable {
    case response(APIResponse)
    case watch(WatchStream)
    case stream(ResponseStream)
}

/// A response body sent in chunks as they become available: `initial`, then each chunk until
/// `chunks` ends, the client goes away, or `limitBytes` have been sent.
public struct ResponseStream: Sendable {
    public var contentType: String
    public var initial: [UInt8]
    public var chunks: AsyncStream<[UInt8]>
    public var limitBytes: Int?

    public init(contentType: String, initial: [UInt8] = [], chunks: AsyncStream<[UInt8]>, limitBytes: Int? = nil) {
        self.contentType = contentType
        self.initial = initial
        self.chunks = chunks
        self.limitBytes = limitBytes
    }
}
