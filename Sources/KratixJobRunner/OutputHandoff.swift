import Dispatch
import Synchronization

/// Hands output batches from a reader thread to an async consumer one at a time: the thread blocks
/// until the consumer has taken the previous batch, so a slow log sink slows the reader, the pipe
/// fills and the container's writes block — back-pressure instead of an unbounded buffer.
final class OutputHandoff: Sendable {
    private struct State {
        var offered: [UInt8]?
        var finished = false
        var consumer: CheckedContinuation<[UInt8]?, Never>?
    }

    private let state = Mutex(State())
    /// Signalled when an offered batch is taken.
    private let taken = DispatchSemaphore(value: 0)

    /// Called by the reader thread: returns once the consumer has the batch.
    func put(_ batch: [UInt8]) {
        let waiting: CheckedContinuation<[UInt8]?, Never>? = state.withLock { state in
            if let consumer = state.consumer {
                state.consumer = nil
                return consumer
            }
            state.offered = batch
            return nil
        }
        if let waiting {
            waiting.resume(returning: batch)
        } else {
            taken.wait()
        }
    }

    /// Called by the reader thread after its last batch.
    func finish() {
        let waiting = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            state.finished = true
            defer { state.consumer = nil }
            return state.consumer
        }
        waiting?.resume(returning: nil)
    }

    /// The next batch; `nil` after the last. One consumer only, and it must read until `nil`.
    func next() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            let ready: (batch: [UInt8]?, release: Bool)? = state.withLock { state in
                if let batch = state.offered {
                    state.offered = nil
                    return (batch, true)
                }
                if state.finished { return (nil, false) }
                state.consumer = continuation
                return nil
            }
            guard let ready else { return }
            if ready.release { taken.signal() }
            continuation.resume(returning: ready.batch)
        }
    }
}
