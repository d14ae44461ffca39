import Synchronization

/// What a watch response has yet to send, handed to its one writer in batches: the changes that
/// arrived while the writer was busy (a group commit releases several at once) go out in one
/// write, so one flush and one TLS record run, rather than one each.
///
/// Bounded: a push beyond `capacity` waiting items is refused and ends the outbox, so a client
/// that does not read ends its watch (it resumes from the last resourceVersion it saw) rather
/// than holding memory. What was accepted is still handed out after the end.
final class WatchOutbox<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var finished = false
        var waiter: CheckedContinuation<[Item]?, Never>?
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `item`; false when the outbox has ended, or ends now because it is full.
    func push(_ item: Item) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, (CheckedContinuation<[Item]?, Never>, [Item])?) in
            guard !state.finished else { return (false, nil) }
            guard state.items.count < capacity else {
                state.finished = true
                return (false, nil)
            }
            state.items.append(item)
            guard let waiter = state.waiter else { return (true, nil) }
            state.waiter = nil
            defer { state.items = [] }
            return (true, (waiter, state.items))
        }
        if let (waiter, items) = wake { waiter.resume(returning: items) }
        return accepted
    }

    /// Ends the outbox: the writer gets what is waiting, then nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Item]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything waiting, once there is something; nil once the outbox has ended and is empty
    /// (or the task is cancelled).
    func next() async -> [Item]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Item]?, Never>) in
                let ready = state.withLock { state -> [Item]?? in
                    if !state.items.isEmpty {
                        defer { state.items = [] }
                        return .some(state.items)
                    }
                    if state.finished { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }
}
