import KubeModel

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

/// A complete response. (Watches and followed logs stream instead; see ``APIServer``.)
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// `Warning` headers (RFC 7234 form `299 - "text"`), which kubectl prints as `Warning: text`.
    public var warnings: [String] = []

    public init(status: Int = 200, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ value: JSONValue, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: value.serializedBytes())
    }

    /// The response with `Warning` headers added.
    func warning(_ texts: [String]) -> APIResponse {
        var copy = self
        copy.warnings += texts
        return copy
    }

    public static func error(_ error: APIError) -> APIResponse {
        .json(error.status, status: error.code).warning(error.warnings)
    }

    public static func text(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
