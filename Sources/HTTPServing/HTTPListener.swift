import NIOCore
import NIOHTTP1
import NIOPosix

/// One accepted HTTP/1.1 connection, as the servers of this package serve it.
public typealias HTTPConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// A listening HTTP/1.1 socket that serves every connection it accepts, or closes it: also while it
/// stops.
///
/// Why not NIO's async `bind` as it stands: its accept loop receives `NIOAsyncChannel`s through an
/// `AsyncSequence` that drops what it has buffered when the loop is cancelled, and a child whose
/// `NIOAsyncChannel` is released unconsumed traps the process ("Deinited NIOAsyncWriter without
/// calling finish()", apple/swift-nio#2637 and #2813). A client connecting while `kratix apiserver`,
/// `kratix dev` or the manager's probes stop would kill them. So the accept sequence carries only
/// the child's identity; the `NIOAsyncChannel` itself (created in the child initializer, as NIO
/// requires, with `init(wrappingChannelSynchronously:configuration:)`) waits in
/// ``PendingConnections`` until the loop takes it to serve, and whatever is still waiting when the
/// listener stops is finished and closed there. Children whose initializer runs after that are
/// refused before they are wrapped, and NIO closes them.
public struct HTTPListener: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var backlog: Int32
        /// Handlers that go before the HTTP codec, such as TLS; runs on the child's event loop.
        public var prepareChild: @Sendable (any Channel) throws -> Void

        public init(host: String, port: Int, backlog: Int32 = 256, prepareChild: @escaping @Sendable (any Channel) throws -> Void = { _ in }) {
            self.host = host
            self.port = port
            self.backlog = backlog
            self.prepareChild = prepareChild
        }
    }

    let server: NIOAsyncChannel<ObjectIdentifier, Never>
    let pending: PendingConnections

    /// The bound port (port 0 in the configuration picks a free one).
    public var port: Int { server.channel.localAddress?.port ?? 0 }

    /// Whether the socket still accepts connections: false once ``run(_:)`` has returned.
    public var isListening: Bool { server.channel.isActive }

    /// Opens the listening socket; nothing is served until ``run(_:)``.
    public static func bind(_ configuration: Configuration) async throws -> HTTPListener {
        let pending = PendingConnections()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // `.tcpOption`, not `.socketOption`: TCP_NODELAY at SOL_SOCKET is SO_DEBUG (both are 1),
            // which only root may set; as the image's non-root user every accepted connection failed
            // and took the listener down (`make image-check` found it on the manager's probes).
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configuration.prepareChild(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try pending.admit(channel)
                }
            }
        return HTTPListener(server: server, pending: pending)
    }

    /// Serves each connection with `serve` in a task of its own until cancelled; then stops
    /// accepting, and returns once every connection is served to its end or closed.
    public func run(_ serve: @escaping @Sendable (HTTPConnection) async -> Void) async throws {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { accepted in
                    for try await id in accepted {
                        guard let connection = pending.take(id) else { continue }
                        group.addTask { await serve(connection) }
                    }
                }
            }
        } catch {
            await closeAbandoned()
            throw error
        }
        await closeAbandoned()
    }

    /// Connections accepted but never handed to the loop (it was cancelled first): finish their
    /// writers and close them.
    private func closeAbandoned() async {
        for connection in pending.close() {
            try? await connection.executeThenClose { _, _ in }
        }
    }
}
