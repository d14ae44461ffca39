import HTTPServing
import NIOCore
import NIOHTTP1
import NIOPosix

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

    let routes: [String: Route]

    public init(routes: [String: Route]) { self.routes = routes }

    /// Parses Go-style bind addresses: `:8080` (all interfaces), `127.0.0.1:0`, `0` (disabled → nil).
    public static func parseAddress(_ address: String) -> (host: String, port: Int)? {
        if address == "0" || address.isEmpty { return nil }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.isEmpty { host = "0.0.0.0" }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    public func bind(host: String, port: Int) async throws -> Bound {
        Bound(listener: try await HTTPListener.bind(.init(host: host, port: port)), routes: routes, host: host)
    }

    public struct Bound: Sendable {
        let listener: HTTPListener
        let routes: [String: Route]
        let host: String

        public var port: Int { listener.port }
        public var url: String { "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)" }

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
                        response = await route()
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
