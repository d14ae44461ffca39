import AsyncHTTPClient
import Logging
import NIOCore

/// The events of one watch request, read line by line as the body streams.
///
/// Lazy: iterating opens the request (rate-limited and retried like any GET); once open, events
/// are decoded as chunks arrive, at the pace the consumer takes them, so a slow consumer slows the
/// connection rather than filling memory. ERROR events are thrown as ``ClientError`` (410 →
/// ``ClientError/gone(_:)``). The sequence ends normally when the server closes the stream
/// (`timeoutSeconds`, or a dropped connection); the caller then watches again from the last
/// resourceVersion it saw. Each iteration opens its own request.
public struct WatchStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent
    public typealias Failure = any Error

    let transport: HTTPTransport
    let request: KubeRequest
    let logger: Logger

    init(transport: HTTPTransport, request: KubeRequest, logger: Logger) {
        self.transport = transport
        self.request = request
        self.logger = logger
    }

    /// The request this watch sends (for logs and tests).
    public var kubeRequest: KubeRequest { request }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = WatchEvent
        public typealias Failure = any Error

        private enum State {
            case idle
            case streaming(HTTPClientResponse.Body.AsyncIterator)
            case finished
        }

        private let stream: WatchStream
        private var state = State.idle
        private var framer = WatchLineFramer()

        init(stream: WatchStream) {
            self.stream = stream
        }

        public mutating func next() async throws(ClientError) -> WatchEvent? {
            while true {
                switch state {
                case .finished:
                    return nil
                case .idle:
                    do {
                        let response = try await stream.transport.open(stream.request)
                        state = .streaming(response.body.makeAsyncIterator())
                    } catch {
                        state = .finished
                        throw error
                    }
                case .streaming(var body):
                    if let line = framer.nextLine() {
                        if let event = try decode(line) { return event }
                        continue
                    }
                    let chunk: ByteBuffer?
                    do {
                        chunk = try await body.next()
                    } catch {
                        // A reset or closed connection ends the watch as the server closing it
                        // would: the caller resumes from its last resourceVersion.
                        stream.logger.debug("watch stream ended", metadata: ["path": "\(stream.request.path)", "reason": "\(error)"])
                        state = .finished
                        return nil
                    }
                    guard let chunk else {
                        state = .finished
                        if let rest = framer.finish() { return try decode(rest) }
                        return nil
                    }
                    state = .streaming(body)
                    do {
                        try framer.append(chunk.readableBytesView)
                    } catch {
                        state = .finished
                        throw .decoding("watch \(stream.request.path): an event is larger than \(framer.maximumLineLength) bytes")
                    }
                }
            }
        }

        private mutating func decode(_ line: [UInt8]) throws(ClientError) -> WatchEvent? {
            do {
                return try WatchEventDecoder.decode(line)
            } catch {
                state = .finished
                throw error
            }
        }
    }
}
