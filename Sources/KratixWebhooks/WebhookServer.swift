import HTTPServing
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Synchronization
import KubeModel

/// The manager's admission webhooks over HTTPS (upstream's port 9443): each path of
/// ``KratixWebhookTable`` answers `AdmissionReview`s with its handler. The serving certificate is
/// taken per connection from ``ServingCertificate``, so a rotated certificate is used from the next
/// connection on without a restart.
public struct WebhookServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Request bodies above this are refused (the API server sends whole objects; a Promise
        /// with large pipelines stays well below it).
        public var maximumBodySize: Int

        public init(host: String = "0.0.0.0", port: Int = 9443, maximumBodySize: Int = 6 * 1024 * 1024) {
            self.host = host
            self.port = port
            self.maximumBodySize = maximumBodySize
        }
    }

    let listener: HTTPListener
    let handlers: [String: any AdmissionHandler]
    let configuration: Configuration
    let logger: Logger
    /// A reference (the server is a value handed to the service group), so the readiness check
    /// sees what `run()` sets.
    private let started = StartedFlag()

    final class StartedFlag: Sendable {
        let value = Mutex(false)
    }

    /// True once `run()` serves connections: the manager's `webhook` readiness check (upstream's
    /// `StartedChecker`), so no admission request reaches a replica before it can answer.
    public var isStarted: Bool { started.value.withLock { $0 } }

    /// The bound port (configuration port 0 picks a free one).
    public var port: Int { listener.port }

    /// Binds the socket; connections are served once the service runs.
    public static func bind(_ configuration: Configuration, handlers: [String: any AdmissionHandler], certificate: ServingCertificate,
                            logger: Logger = Logger(label: "kratix.webhooks")) async throws -> WebhookServer {
        let listener = try await HTTPListener.bind(.init(host: configuration.host, port: configuration.port) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: try certificate.context()))
        })
        return WebhookServer(listener: listener, handlers: handlers, configuration: configuration, logger: logger)
    }

    public func run() async throws {
        logger.info("serving admission webhooks", metadata: ["port": "\(port)", "paths": "\(handlers.count)"])
        started.value.withLock { $0 = true }
        defer { started.value.withLock { $0 = false } }
        do {
            try await cancelWhenGracefulShutdown {
                try await listener.run { connection in await serve(connection) }
            }
        } catch is CancellationError {
            // A graceful shutdown stops the listener by cancelling it: that is a clean end, not a
            // failure of the service group (the process exits 0 on SIGTERM).
        }
    }

    private func serve(_ connection: HTTPConnection) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.removeAll(keepingCapacity: true)
                case .body(let buffer):
                    if body.count <= configuration.maximumBodySize { body.append(contentsOf: buffer.readableBytesView) }
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let (status, answer) = await respond(requestHead, body: body)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: "\(answer.count)")
                    try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: .init(statusCode: status), headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: answer))))
                    try await outbound.write(.end(nil))
                    if !requestHead.isKeepAlive { return }
                }
            }
        }
    }

    /// The HTTP status and body for one request; denials are `200` with `allowed: false`, as the
    /// API server expects.
    func respond(_ head: HTTPRequestHead, body: [UInt8]) async -> (Int, [UInt8]) {
        let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
        guard let handler = handlers[path] else { return (404, Array("{\"message\":\"no webhook at \(path)\"}".utf8)) }
        guard head.method == .POST else { return (405, Array("{\"message\":\"method not allowed\"}".utf8)) }
        guard body.count <= configuration.maximumBodySize else { return (413, Array("{\"message\":\"request body too large\"}".utf8)) }
        guard let review = try? JSONParser.parse(body), let request = AdmissionRequest(review: review) else {
            return (400, Array("{\"message\":\"the body is not an AdmissionReview with a request\"}".utf8))
        }
        let response = await handler.admit(request)
        if !response.allowed {
            logger.info("admission denied", metadata: [
                "path": "\(path)", "operation": "\(request.operation.rawValue)", "name": "\(request.name)",
                "namespace": "\(request.namespace)", "reason": "\(response.message ?? "")",
            ])
        }
        return (200, response.review(uid: request.uid).serializedBytes())
    }
}
