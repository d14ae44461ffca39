import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads a container's output on a thread of its own (reads block) and batches it for the log:
/// a batch is handed on when it reaches ``maximumBatch`` bytes or its oldest byte is
/// ``flushInterval`` old, so the API server gets at most a few requests a second per container.
final class OutputReader: Sendable {
    static let maximumBatch = 64 * 1024
    static let flushInterval: Duration = .milliseconds(200)

    let handoff = OutputHandoff()
    private let stopRequested = Atomic<Bool>(false)

    /// Starts reading `fd` (which the reader closes at the end).
    init(fd: Int32) {
        Thread.detachNewThread { [self] in
            read(fd)
        }
    }

    /// Stops at the next poll even without end-of-file: for output held open by a process that
    /// escaped the container's process group.
    func stop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    private func read(_ fd: Int32) {
        var pending: [UInt8] = []
        var pendingSince: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: Self.maximumBatch)
        let clock = ContinuousClock()
        readLoop: while true {
            var timeout = Self.flushInterval
            if let since = pendingSince { timeout = max(.zero, Self.flushInterval - (clock.now - since)) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&descriptor, 1, max(millis, 1))
            if ready > 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, Self.maximumBatch - pending.count) }
                if count > 0 {
                    if pending.isEmpty { pendingSince = clock.now }
                    pending.append(contentsOf: buffer[0..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    break readLoop
                }
            } else if ready < 0, errno != EINTR {
                break readLoop
            }
            if !pending.isEmpty, pending.count >= Self.maximumBatch || (pendingSince.map { clock.now - $0 >= Self.flushInterval } ?? false) {
                handoff.put(pending)
                pending.removeAll(keepingCapacity: true)
                pendingSince = nil
            }
            if stopRequested.load(ordering: .relaxed) { break }
        }
        if !pending.isEmpty { handoff.put(pending) }
        close(fd)
        handoff.finish()
    }
}
