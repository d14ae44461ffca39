import HTTPServing
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP server for `/healthz`, `/readyz` and `/metrics` (the manager's two ports, or one).
/// Answers are computed per request, so readiness follows cache sync and leadership as they change.
public struct ProbeServer: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        public static func text(_ status: Int, _ text: String) -> Response { Response(status: status, body: Array(text.utf8)) }
    }

    public typealias Route = @Sendable () async -> Response

    /// What a filter sees of a request: enough to authenticate and authorize it, never logged
    /// (the header carries a bearer token).
    public struct Request: Sendable {
        public var path: String
        public var authorization: String?
    }

    /// Runs before a filtered route and answers instead of it when it returns a response (401,
    /// 403), as controller-runtime's metrics `FilterProvider` wraps the metrics handler.
    public typealias Filter = @Sendable (Request) async -> Response?

    let routes: [String: Route]
    let filter: Filter?
    let filteredPaths: Set<String>

    public init(routes: [String: Route], filter: Filter? = nil, filteredPaths: Set<String> = []) {
        self.routes = routes
        self.filter = filter
        self.filteredPaths = filteredPaths
    }

    /// Parses Go-style bind addresses: `:8080` (all interfaces), `127.0.0.1:0`, `0` (disabled → nil).
    public static func parseAddress(_ address: String) -> (host: String, port: Int)? {
        if address == "0" || address.isEmpty { return nil }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.isEmpty { host = "0.0.0.0" }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Binds, serving HTTPS when `tls` is given.
    public func bind(host: String, port: Int, tls: NIOSSLContext? = nil) async throws -> Bound {
        let listener = try await HTTPListener.bind(.init(host: host, port: port) { channel in
            if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        })
        return Bound(listener: listener, routes: routes, filter: filter, filteredPaths: filteredPaths, host: host, scheme: tls == nil ? "http" : "https")
    }

    public struct Bound: Sendable {
        let listener: HTTPListener
        let routes: [String: Route]
        let filter: Filter?
        let filteredPaths: Set<String>
        let host: String
        let scheme: String

        public var port: Int { listener.port }
        public var url: String { "\(scheme)://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)" }

        /// Serves until cancelled; every connection accepted by then is served or closed.
        public func run() async throws {
            try await listener.run { connection in await serve(connection) }
        }

        private func serve(_ connection: HTTPConnection) async {
            try? await connection.executeThenClose { inbound, outbound in
                for try await part in inbound {
                    guard case .head(let head) = part else { continue }
                    let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
                    let response: Response
                    if head.method != .GET && head.method != .HEAD {
                        response = .text(405, "method not allowed\n")
                    } else if let route = routes[path] {
                        if let filter, filteredPaths.contains(path),
                           let denied = await filter(Request(path: path, authorization: head.headers.first(name: "Authorization"))) {
                            response = denied
                        } else {
                            response = await route()
                        }
                    } else {
                        response = .text(404, "404 page not found\n")
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.count)")
                    headers.add(name: "Connection", value: head.isKeepAlive ? "keep-alive" : "close")
                    try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: response.status), headers: headers)))
                    if head.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
                    try await outbound.write(.end(nil))
                    if !head.isKeepAlive { return }
                }
            }
        }
    }
}
