import KubeModel

/// An HTTP request as the API layer sees it: method, path, query and body, independent of NIO.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
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
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `+` is a space in query strings; `%XX` escapes anywhere.
    static func percentDecode(_ s: String) -> String {
        guard s.contains("%") || s.contains("+") else { return s }
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

/// What the handler answers: a complete response, or a watch to stream.
public enum APIResult: Sendable {
    case response(APIResponse)
    case watch(WatchStream)
}

/// An open watch: events as they happen, ended by `timeout`, with periodic bookmarks if asked for.
public struct WatchStream: Sendable {
    public var events: AsyncStream<WatchEvent>
    public var timeout: Duration?
    /// Set when the client allowed bookmarks: the resource the bookmark objects describe.
    public var bookmarkKind: APIResource?
    let store: ObjectStore

    /// A bookmark carrying the store's current resourceVersion.
    func bookmark() async -> WatchEvent? {
        guard let resource = bookmarkKind else { return nil }
        let rv = await store.currentResourceVersion
        return WatchEvent(type: .bookmark, object: [
            "apiVersion": .string(resource.apiVersion), "kind": .string(resource.kind),
            "metadata": ["resourceVersion": .string(rv)],
        ])
    }
}

/// A complete response. (Watches stream instead; see ``APIServer``.)
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ value: JSONValue, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: value.serializedBytes())
    }

    public static func error(_ error: APIError) -> APIResponse {
        .json(error.status, status: error.code)
    }

    public static func text(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
