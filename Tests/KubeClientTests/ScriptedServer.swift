import Foundation
import HTTPServing
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A plain-HTTP server on 127.0.0.1 that answers each request from a script: for the behaviours
/// the embedded API server never shows (429 with Retry-After, 5xx, a watch body cut into odd
/// chunks, an ERROR event mid-stream).
final class ScriptedServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        /// Written one by one, flushed each, with `delay` between them.
        var chunks: [[UInt8]] = []
        var delay: Duration = .zero

        static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, chunks: [Array(text.utf8)])
        }
    }

    let url: String
    let listener: HTTPListener
    private let seen: Mutex<[String]>

    /// `METHOD target` of every request, in order.
    var requests: [String] { seen.withLock { $0 } }

    private init(listener: HTTPListener) {
        self.url = "http://127.0.0.1:\(listener.port)"
        self.listener = listener
        self.seen = Mutex([])
    }

    /// Serves `script(n, "METHOD target")` for the n-th request (from 0) while `body` runs.
    static func with<T>(_ script: @escaping @Sendable (Int, String) -> Response, _ body: (ScriptedServer) async throws -> T) async throws -> T {
        let listener = try await HTTPListener.bind(.init(host: "127.0.0.1", port: 0))
        let server = ScriptedServer(listener: listener)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run { connection in await server.serve(connection, script) } }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    private func serve(_ connection: HTTPConnection, _ script: @Sendable (Int, String) -> Response) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let h): head = h
                case .body: break
                case .end:
                    guard let request = head else { continue }
                    let label = "\(request.method.rawValue) \(request.uri)"
                    let index = seen.withLock { seen in
                        seen.append(label)
                        return seen.count - 1
                    }
                    let response = script(index, label)
                    var headers = HTTPHeaders(response.headers)
                    if response.chunks.count == 1 { headers.add(name: "Content-Length", value: String(response.chunks[0].count)) }
                    if response.chunks.isEmpty { headers.add(name: "Content-Length", value: "0") }
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)))
                    for chunk in response.chunks {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                        if response.delay > .zero { try await Task.sleep(for: response.delay) }
                    }
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
