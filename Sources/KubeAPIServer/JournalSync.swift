import Foundation
import NIOPosix
import Synchronization

/// Group commit for the storage journal: records are buffered as they are committed, and a write
/// is acknowledged once one `write` + `fsync` that started after it was buffered has finished. One
/// such round writes and syncs every record buffered before it started.
///
/// The store buffers a record and goes on with the next request; the request waits here. Only one
/// round runs at a time, on NIO's blocking-I/O thread pool (never on a cooperative thread, never
/// inside the store actor), so under load each round makes a whole batch durable with two
/// syscalls: what a write and a sync per commit cost once per commit, this costs once per batch.
///
/// A failed write or fsync is final: the kernel may already have dropped the pages it could not
/// write, so a retry could report success for data that is gone (PostgreSQL's "fsyncgate"). Every
/// later write then fails with the error.
final class JournalSync: Sendable {
    private struct State {
        /// The highest revision appended (buffered or in the file).
        var written: Int64 = 0
        /// The highest revision a round has made durable.
        var durable: Int64 = 0
        /// Records appended and not yet handed to a round, in order.
        var pending: [UInt8] = []
        var syncing = false
        /// Rounds run so far (for metrics and tests: with writes in flight, fewer than writes).
        var syncs = 0
        var failure: String?
        var waiters: [(revision: Int64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let state = Mutex(State())
    /// The journal's length after the last complete round. Held while a round writes, so a
    /// compaction (which empties the file) never interleaves with a round's write.
    private let file = Mutex<off_t>(0)
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

    /// Buffers one record (a whole line) at `revision`; it reaches the file with the next round.
    /// Throws once a round has failed: nothing is acknowledged after that.
    func append(_ line: [UInt8], revision: Int64) throws {
        try state.withLock { state throws(Failure) in
            if let failure = state.failure { throw Failure(description: failure) }
            state.pending.append(contentsOf: line)
            state.written = max(state.written, revision)
        }
    }

    /// Records the journal's length as loaded (the next round appends after it).
    func loaded(size: off_t) {
        file.withLock { $0 = size }
    }

    /// Replaces the journal under the file lock: `body` makes everything up to `revision` durable
    /// by other means (a snapshot) and empties the file; buffered records, all at or below
    /// `revision`, are dropped, and waiters up to it resume.
    func replaceJournal(durableThrough revision: Int64, _ body: (Int32) throws -> Void) throws {
        try file.withLock { size in
            try body(descriptor)
            size = 0
            state.withLock { $0.pending.removeAll(keepingCapacity: false) }
        }
        madeDurable(revision)
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

    /// Writes the buffer whole on the disk now, without waiting for a request (shutdown).
    func flush() {
        let (target, batch) = state.withLock { state -> (Int64, [UInt8]) in
            defer { state.pending = [] }
            return (state.failure == nil ? state.written : 0, state.pending)
        }
        guard target > 0 else { return }
        if round(batch) == 0 { madeDurable(target) }
    }

    /// Runs rounds back to back while anyone waits for one.
    private func syncWhileWaited() async {
        while true {
            let (target, batch) = state.withLock { state -> (Int64, [UInt8]) in
                defer { state.pending = [] }
                return (state.written, state.pending)
            }
            let error: Int32 = (try? await pool.runIfActive { self.round(batch) }) ?? ECANCELED
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

    /// Appends `batch` to the file and syncs it; 0 or the errno. A failed write is cut back to the
    /// last complete round, so the file never ends in the middle of a record that was not written.
    private func round(_ batch: [UInt8]) -> Int32 {
        file.withLock { size -> Int32 in
            do throws(POSIXError) {
                try FileDescriptorWriter.writeAll(batch, to: descriptor)
            } catch {
                _ = ftruncate(descriptor, size)
                return error.code.rawValue
            }
            size += off_t(batch.count)
            return fsync(descriptor) == 0 ? 0 : errno
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
