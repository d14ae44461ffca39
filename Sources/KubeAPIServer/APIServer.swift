import HTTPServing
import KubeModel
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The embedded Kubernetes-compatible API server: HTTP in front of an ``APIHandler``.
///
/// `bind()` opens the listening socket (port 0 picks a free one and ``BoundAPIServer/port`` says
/// which); `run()` serves until its task is cancelled, then closes every connection.
public struct APIServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Largest request body accepted; bigger requests get 413.
        public var maximumBodySize: Int
        /// How often an idle watch that allows bookmarks gets one.
        public var bookmarkInterval: Duration
        /// TLS credentials and the bearer token; `nil` serves plain HTTP without authentication (tests only).
        public var credentials: ServerCredentials?
        /// Whether RBAC is enforced on requests not made as the admin; see ``AuthorizationMode``.
        public var authorizationMode: AuthorizationMode
        /// Counts the requests by client (benches); nil counts nothing.
        public var requestTally: RequestTally?

        public init(host: String = "127.0.0.1", port: Int = 0, maximumBodySize: Int = 3 * 1024 * 1024, bookmarkInterval: Duration = .seconds(15),
                    authorizationMode: AuthorizationMode = .alwaysAllow) {
            self.host = host
            self.port = port
            self.maximumBodySize = maximumBodySize
            self.bookmarkInterval = bookmarkInterval
            self.authorizationMode = authorizationMode
        }
    }

    public var configuration: Configuration
    public var handler: APIHandler

    public init(configuration: Configuration = Configuration(), handler: APIHandler) {
        self.configuration = configuration
        self.handler = handler
        self.handler.adminToken = configuration.credentials?.token
    }

    public func bind() async throws -> BoundAPIServer {
        // Every namespace publishes the CA clients of this server trust (`kube-root-ca.crt`).
        try await handler.store.useRootCA(configuration.credentials?.caCertificatePEM ?? "")
        let sslContext: NIOSSLContext?
        if let credentials = configuration.credentials {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)))
            tls.applicationProtocols = ["http/1.1"]
            sslContext = try NIOSSLContext(configuration: tls)
        } else {
            sslContext = nil
        }
        let listener = try await HTTPListener.bind(.init(host: configuration.host, port: configuration.port) { channel in
            if let sslContext {
                try channel.pipeline.syncOperations.addHandler(PlainHTTPRejector())
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            }
        })
        return BoundAPIServer(listener: listener, configuration: configuration, handler: handler)
    }
}

/// A listening server; see ``APIServer``.
public struct BoundAPIServer: Sendable {
    let listener: HTTPListener
    let configuration: APIServer.Configuration
    let handler: APIHandler

    public var port: Int { listener.port }
    public var url: String { "\(configuration.credentials == nil ? "http" : "https")://\(configuration.host):\(port)" }

    /// Serves connections until cancelled; every connection accepted by then is served or closed.
    public func run() async throws {
        try await listener.run { connection in await serve(connection) }
    }

    private func serve(_ connection: HTTPConnection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body.removeAll(keepingCapacity: true)
                        tooLarge = false
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > configuration.maximumBodySize {
                            tooLarge = true
                        } else {
                            body.append(contentsOf: buffer.readableBytesView)
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        configuration.requestTally?.count(userAgent: requestHead.headers.first(name: "User-Agent"),
                                                          method: requestHead.method.rawValue, path: requestHead.uri)
                        if tooLarge {
                            let response = APIResponse.error(APIError(code: 413, reason: "RequestEntityTooLarge", message: "the request body is larger than \(configuration.maximumBodySize) bytes"))
                            try await write(response, keepAlive: requestHead.isKeepAlive, version: requestHead.version, to: outbound)
                            continue
                        }
                        var request = APIRequest(
                            method: requestHead.method.rawValue, target: requestHead.uri,
                            headers: requestHead.headers.map { ($0.name, $0.value) }, body: body)
                        if let refusal = await authorize(&request) {
                            try await write(.error(refusal), keepAlive: requestHead.isKeepAlive, version: requestHead.version, to: outbound)
                            continue
                        }
                        switch await handler.respond(request) {
                        case .response(let response):
                            try await write(response, keepAlive: requestHead.isKeepAlive, version: requestHead.version, to: outbound)
                        case .watch(let watch):
                            try await stream(watch, version: requestHead.version, to: outbound, closed: connection.channel.closeFuture)
                        case .stream(let body):
                            try await stream(body, version: requestHead.version, to: outbound, closed: connection.channel.closeFuture)
                        }
                    }
                }
            }
        } catch {
            // A connection that fails (reset, malformed HTTP) only ends itself.
        }
    }

    /// Authenticates `request` (setting its user) and, with ``AuthorizationMode/rbac``, authorizes
    /// it; returns the error to answer instead (401, 403). Health and version endpoints are open, as
    /// on a real server.
    private func authorize(_ request: inout APIRequest) async -> APIError? {
        if ["/healthz", "/livez", "/readyz", "/version"].contains(request.path) { return nil }
        let authenticator = RequestAuthenticator(adminToken: configuration.credentials?.token, mode: configuration.authorizationMode, handler: handler)
        let user: UserInfo
        do {
            user = try await authenticator.user(for: request)
        } catch {
            return error
        }
        request.user = user
        guard configuration.authorizationMode == .rbac else { return nil }
        request.enforcesRBAC = true
        return await handler.authorize(request, as: user)
    }

    /// Streams a watch as chunked JSON lines until it times out, the store ends it, or the client leaves.
    private func stream(
        _ watch: WatchStream, version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, closed: EventLoopFuture<Void>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        try await outbound.write(.head(HTTPResponseHead(version: version, status: .ok, headers: headers)))

        // One writer; everything to send is merged into one outbox (bounded: bookmarks are few),
        // and what waits there when the writer comes for it goes out in one write.
        enum Item: Sendable { case event(WatchEvent), bookmark }
        let outbox = WatchOutbox<Item>(capacity: 64)
        let bookmarkInterval = configuration.bookmarkInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in watch.events { guard outbox.push(.event(event)) else { break } }
                outbox.finish()
            }
            if watch.bookmarkKind != nil {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: bookmarkInterval)
                        _ = outbox.push(.bookmark)
                    }
                }
            }
            if let timeout = watch.timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    outbox.finish()
                }
            }
            // A client that goes away ends the watch (a future's get() would not honour cancellation).
            closed.whenComplete { _ in outbox.finish() }
            while let batch = await outbox.next() {
                var parts: [HTTPServerResponsePart] = []
                for item in batch {
                    let event: WatchEvent?
                    switch item {
                    case .event(let e): event = e
                    case .bookmark: event = await watch.bookmark()
                    }
                    if let event { parts.append(.body(.byteBuffer(ByteBuffer(bytes: event.line)))) }
                }
                if !parts.isEmpty { try await outbound.write(contentsOf: parts) }
            }
            group.cancelAll()
        }
        try await outbound.write(.end(nil))
    }

    /// Streams a chunked body (`pods/log?follow=true`) until it ends, reaches its limit, or the client leaves.
    private func stream(
        _ body: ResponseStream, version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, closed: EventLoopFuture<Void>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: body.contentType)
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        try await outbound.write(.head(HTTPResponseHead(version: version, status: .ok, headers: headers)))
        var remaining = body.limitBytes ?? Int.max
        func send(_ bytes: [UInt8]) async throws -> Bool {
            let part = bytes.count > remaining ? Array(bytes.prefix(remaining)) : bytes
            remaining -= part.count
            if !part.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: part)))) }
            return remaining > 0
        }
        if try await send(body.initial) {
            // One reader of the body; a client that goes away ends it (bounded: the store ends a
            // follower whose buffer fills).
            let (merged, input) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(64))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await chunk in body.chunks { guard case .enqueued = input.yield(chunk) else { break } }
                    input.finish()
                }
                closed.whenComplete { _ in input.finish() }
                for await chunk in merged {
                    if try await !send(chunk) { break }
                }
                group.cancelAll()
            }
        }
        try await outbound.write(.end(nil))
    }

    private func write(
        _ response: APIResponse, keepAlive: Bool, version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        for warning in response.warnings {
            // RFC 7230 quoted-string: backslash and quote escaped, as the API server writes them.
            let quoted = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            headers.add(name: "Warning", value: "299 - \"\(quoted)\"")
        }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        // One write of the three parts: one flush, so one TLS record run and one syscall per
        // answer rather than three.
        var parts: [HTTPServerResponsePart] = [.head(HTTPResponseHead(version: version, status: status, headers: headers))]
        if !response.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }
}
