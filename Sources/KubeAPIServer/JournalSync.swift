import Foundation
import NIOPosix
import Synchronization

/// Group commit for the storage journal: a write is acknowledged once an fsync that started after
/// it was written has finished, and one fsync covers every record written before it started.
///
/// The store writes a record and goes on with the next request; the request waits here. Only one
/// fsync runs at a time, on NIO's blocking-I/O thread pool (never on a cooperative thread, never
/// inside the store actor), so under load each fsync makes a whole batch durable: what a sync
/// per write costs once per write, this costs once per batch.
///
/// A failed fsync is final: the kernel may already have dropped the pages it could not write, so
/// a retry could report success for data that is gone (PostgreSQL's "fsyncgate"). Every later
/// write then fails with the error.
final class JournalSync: Sendable {
    private struct State {
        /// The highest revision written to the file.
        var written: Int64 = 0
        /// The highest revision an fsync has made durable.
        var durable: Int64 = 0
        var syncing = false
        /// fsyncs run so far (for metrics and tests: with writes in flight, fewer than writes).
        var syncs = 0
        var failure: String?
        var waiters: [(revision: Int64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let state = Mutex(State())
    private let descriptor: Int32
    private let pool: NIOThreadPool

    init(descriptor: Int32, durable revision: Int64, pool: NIOThreadPool = .singleton) {
        self.descriptor = descriptor
        self.pool = pool
        state.withLock {
            $0.written = revision
            $0.durable = revision
        }
    }

    /// Records that everything up to `revision` is in the file (not yet on the disk).
    func wrote(_ revision: Int64) {
        state.withLock { $0.written = max($0.written, revision) }
    }

    /// Records that everything up to `revision` is on the disk by other means (a snapshot).
    func madeDurable(_ revision: Int64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.written = max(state.written, revision)
            state.durable = max(state.durable, revision)
            return Self.takeReady(&state)
        }
        for waiter in ready { waiter.resume() }
    }

    var durableRevision: Int64 { state.withLock { $0.durable } }
    var syncCount: Int { state.withLock { $0.syncs } }

    /// Returns once `revision` is on the disk.
    func waitDurable(_ revision: Int64) async throws {
        let (failure, durable) = state.withLock { ($0.failure, $0.durable) }
        if let failure { throw Failure(description: failure) }
        if durable >= revision { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enum Next { case resume, fail(String), wait, startSyncing }
            let next = state.withLock { state -> Next in
                if let failure = state.failure { return .fail(failure) }
                if state.durable >= revision { return .resume }
                state.waiters.append((revision, continuation))
                if state.syncing { return .wait }
                state.syncing = true
                return .startSyncing
            }
            switch next {
            case .resume: continuation.resume()
            case .fail(let message): continuation.resume(throwing: Failure(description: message))
            case .wait: break
            case .startSyncing: Task { await self.syncWhileWaited() }
            }
        }
    }

    /// Runs fsyncs back to back while anyone waits for one.
    private func syncWhileWaited() async {
        while true {
            let target = state.withLock { $0.written }
            let descriptor = self.descriptor
            let error: Int32 = (try? await pool.runIfActive { fsync(descriptor) == 0 ? 0 : errno }) ?? ECANCELED
            var failed: [CheckedContinuation<Void, any Error>] = []
            var message = ""
            let (ready, more) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], Bool) in
                if error != 0 {
                    message = "storage sync failed: \(String(cString: strerror(error)))"
                    state.failure = message
                    failed = state.waiters.map(\.continuation)
                    state.waiters = []
                    state.syncing = false
                    return ([], false)
                }
                state.syncs += 1
                state.durable = max(state.durable, target)
                let ready = Self.takeReady(&state)
                let more = !state.waiters.isEmpty
                if !more { state.syncing = false }
                return (ready, more)
            }
            for waiter in ready { waiter.resume() }
            for waiter in failed { waiter.resume(throwing: Failure(description: message)) }
            if !more { return }
        }
    }

    private static func takeReady(_ state: inout State) -> [CheckedContinuation<Void, any Error>] {
        var ready: [CheckedContinuation<Void, any Error>] = []
        state.waiters.removeAll { waiter in
            guard waiter.revision <= state.durable else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }
}
