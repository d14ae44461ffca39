import Synchronization

/// Job keys waiting to be reconciled: each key at most once in the queue, never reconciled twice at
/// the same time (a key added while it is processed comes back when it is done), and delayed adds
/// for retries, back-offs, deadlines and TTLs.
final class WorkQueue: Sendable {
    private struct State {
        var ready: [String] = []
        var queued: Set<String> = []
        var processing: Set<String> = []
        var dirty: Set<String> = []
        var delayed: [String: ContinuousClock.Instant] = [:]
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        var woken = false
    }

    private let state = Mutex(State())

    func add(_ key: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            state.delayed[key] = nil
            Self.enqueue(key, &state)
            return Self.wake(&state)
        }
        waiter?.resume()
    }

    /// Adds `key` after `delay`, unless it is added sooner (the earlier time wins).
    func add(_ key: String, after delay: Duration) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            let when = ContinuousClock.now + delay
            if let existing = state.delayed[key], existing <= when { return nil }
            state.delayed[key] = when
            return Self.wake(&state)
        }
        waiter?.resume()
    }

    /// The next key; `nil` once closed (or the task is cancelled). One consumer.
    func next() async -> String? {
        while true {
            let (key, deadline, finished): (String?, ContinuousClock.Instant?, Bool) = state.withLock { state in
                let now = ContinuousClock.now
                for (key, when) in state.delayed where when <= now {
                    state.delayed[key] = nil
                    Self.enqueue(key, &state)
                }
                if state.closed { return (nil, nil, true) }
                if !state.ready.isEmpty {
                    let key = state.ready.removeFirst()
                    state.queued.remove(key)
                    state.processing.insert(key)
                    return (key, nil, false)
                }
                return (nil, state.delayed.values.min(), false)
            }
            if let key { return key }
            if finished || Task.isCancelled { return nil }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitForWake() }
                if let deadline {
                    group.addTask {
                        try? await Task.sleep(until: deadline)
                        self.poke()
                    }
                }
                await group.next()
                group.cancelAll()
                self.poke()
                await group.waitForAll()
            }
        }
    }

    /// The key's reconcile finished; if it was added meanwhile, it is queued again.
    func done(_ key: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.processing.remove(key)
            guard state.dirty.remove(key) != nil, !state.closed else { return nil }
            Self.enqueue(key, &state)
            return Self.wake(&state)
        }
        waiter?.resume()
    }

    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            return Self.wake(&state)
        }
        waiter?.resume()
    }

    private func poke() {
        let waiter = state.withLock { Self.wake(&$0) }
        waiter?.resume()
    }

    private func waitForWake() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.woken || state.closed {
                        state.woken = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            poke()
        }
    }

    private static func enqueue(_ key: String, _ state: inout State) {
        if state.processing.contains(key) {
            state.dirty.insert(key)
        } else if state.queued.insert(key).inserted {
            state.ready.append(key)
        }
    }

    /// Takes the waiting consumer (to resume outside the lock), or remembers the wake-up for it.
    private static func wake(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        if let waiter = state.waiter {
            state.waiter = nil
            return waiter
        }
        state.woken = true
        return nil
    }
}
