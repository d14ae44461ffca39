import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Clients that connect to 127.0.0.1:port in a tight loop, on a thread of their own, each sending
/// the start of an HTTP request and staying open: for tests of a server that stops while clients
/// arrive (connections accepted but not yet served are the case that used to kill the process).
public final class ConnectionStorm: Sendable {
    private struct State {
        var stop = false
        var connected = 0
        var finished: CheckedContinuation<Void, Never>?
        var done = false
    }

    private let port: Int
    private let request: [UInt8]
    private let state = Mutex(State())

    public init(port: Int, request: String = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") {
        self.port = port
        self.request = Array(request.utf8)
    }

    /// Connections made so far.
    public var connected: Int { state.withLock { $0.connected } }

    public func start() {
        Thread.detachNewThread { [self] in
            var open: [Int32] = []
            while !state.withLock({ $0.stop }) {
                if open.count >= 200 {
                    for fd in open { close(fd) }
                    open.removeAll()
                }
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { break }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let status = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard status == 0 else {
                    close(fd)
                    continue
                }
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                open.append(fd)
                state.withLock { $0.connected += 1 }
            }
            for fd in open { close(fd) }
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.done = true
                defer { state.finished = nil }
                return state.finished
            }
            waiter?.resume()
        }
    }

    /// Waits until at least `count` connections were made (or `timeout` passed); returns how many.
    public func waitForConnections(_ count: Int, timeout: Duration = .seconds(10)) async -> Int {
        let deadline = ContinuousClock.now + timeout
        while connected < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
        return connected
    }

    /// Stops connecting, closes every connection and returns how many were made.
    public func stop() async -> Int {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                state.stop = true
                if state.done { return true }
                state.finished = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return connected
    }

    /// A server as a shutdown race needs it: its port, the task serving it, and whether it still
    /// listens.
    public struct RacedServer: Sendable {
        public var port: Int
        public var serving: Task<Void, any Error>
        public var isListening: @Sendable () -> Bool

        public init(port: Int, serving: Task<Void, any Error>, isListening: @escaping @Sendable () -> Bool) {
            self.port = port
            self.serving = serving
            self.isListening = isListening
        }
    }

    /// Starts a server (`start`) and stops it while a storm of clients connects, `rounds` times.
    /// Surviving is the check; the returned problems (a round no client got into, a listener left
    /// open) say whether each round raced for real.
    public static func raceShutdowns(rounds: Int = 50, _ start: () async throws -> RacedServer) async throws -> [String] {
        var problems: [String] = []
        for round in 0..<rounds {
            let server = try await start()
            let storm = ConnectionStorm(port: server.port)
            storm.start()
            if await storm.waitForConnections(3) < 3 { problems.append("round \(round): no client got in") }
            server.serving.cancel()
            _ = await server.serving.result
            if server.isListening() { problems.append("round \(round): still listening after run() returned") }
            _ = await storm.stop()
        }
        return problems
    }
}
