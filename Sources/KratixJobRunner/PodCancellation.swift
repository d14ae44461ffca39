import Synchronization

/// Stops one pod's run from outside: its Job was deleted or failed, its deadline passed, or the
/// runner is shutting down. Running containers get SIGTERM, then SIGKILL after the grace period;
/// nothing further is started; the pod ends `Failed` with the reason given here.
public final class PodCancellation: Sendable {
    /// What the pod's status says about why it was stopped.
    public struct Reason: Sendable, Equatable {
        /// The pod's `status.reason` (`DeadlineExceeded`, `Terminated`, …); `nil` leaves it unset.
        public var podReason: String?
        public var message: String

        public init(podReason: String?, message: String) {
            self.podReason = podReason
            self.message = message
        }

        /// The runner is shutting down (as a kubelet's graceful node shutdown says it).
        public static let shutdown = Reason(podReason: "Terminated", message: "the runner shut down while the pod ran")
        public static let deadlineExceeded = Reason(podReason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline")
        public static let deleted = Reason(podReason: nil, message: "the pod or its Job was deleted")
    }

    private struct State {
        var reason: Reason?
        var handlers: [Int: @Sendable () -> Void] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The first reason given; `nil` while the pod may run on.
    public var reason: Reason? { state.withLock { $0.reason } }
    public var isCancelled: Bool { reason != nil }

    /// Stops the pod; later calls keep the first reason.
    public func cancel(_ reason: Reason) {
        let handlers: [@Sendable () -> Void] = state.withLock { state in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.handlers.removeAll() }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }

    /// Runs `handler` once on cancellation (at once if already cancelled); the id removes it again.
    @discardableResult
    func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int {
        let (id, runNow): (Int, Bool) = state.withLock { state in
            if state.reason != nil { return (-1, true) }
            let id = state.nextID
            state.nextID += 1
            state.handlers[id] = handler
            return (id, false)
        }
        if runNow { handler() }
        return id
    }

    func removeHandler(_ id: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    /// Returns after `duration`, or earlier when the pod is cancelled.
    func sleep(for duration: Duration) async {
        let stream = AsyncStream<Void> { continuation in
            let id = onCancel { continuation.finish() }
            continuation.onTermination = { [weak self] _ in self?.removeHandler(id) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in stream {} }
            group.addTask { try? await Task.sleep(for: duration) }
            await group.next()
            group.cancelAll()
        }
    }
}
