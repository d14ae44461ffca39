import NIOCore
import Synchronization

/// Accepted connections between the child initializer (on the child's event loop) and the accept
/// loop (a task), so that none is released unfinished; see ``HTTPListener``.
///
/// A class because the initializer closure and the accept loop share one instance; its only state
/// is behind a `Mutex`.
final class PendingConnections: Sendable {
    private struct State {
        var waiting: [ObjectIdentifier: HTTPConnection] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Wraps `channel` and keeps it until ``take(_:)`` or ``close()``. Throws once closed, before
    /// wrapping, so NIO closes the child with nothing to finish. Runs on the child's event loop.
    func admit(_ channel: any Channel) throws -> ObjectIdentifier {
        let id = ObjectIdentifier(channel)
        try state.withLock { state in
            guard !state.closed else { throw ChannelError.ioOnClosedChannel }
            state.waiting[id] = try HTTPConnection(wrappingChannelSynchronously: channel)
        }
        return id
    }

    /// The connection to serve, once.
    func take(_ id: ObjectIdentifier) -> HTTPConnection? {
        state.withLock { $0.waiting.removeValue(forKey: id) }
    }

    /// Refuses further connections and returns those never taken.
    func close() -> [HTTPConnection] {
        state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
    }
}
