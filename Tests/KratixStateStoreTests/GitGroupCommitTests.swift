import Foundation
import Synchronization
import Testing
@testable import KratixStateStore

/// Issue 15: one writer per store commits every placement waiting at that moment together, and a
/// push the remote rejects (someone else pushed first) is retried with every placement of the batch.
@Suite struct GitGroupCommitTests {
    /// A gate a writer's phase observer waits at, opened by the test.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], reached: Int,
                                   watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)])>((false, [], 0, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let (resume, arrived) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    state.reached += 1
                    let reached = state.reached
                    let arrived = state.watchers.filter { $0.count <= reached }.map(\.continuation)
                    state.watchers.removeAll { $0.count <= reached }
                    if state.open { return (true, arrived) }
                    state.waiters.append(continuation)
                    return (false, arrived)
                }
                for watcher in arrived { watcher.resume() }
                if resume { continuation.resume() }
            }
        }

        /// Returns once `count` writers have arrived at the gate (an event, not a poll).
        func arrivals(_ count: Int) async {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.reached >= count { return true }
                    state.watchers.append((count, continuation))
                    return false
                }
                if now { continuation.resume() }
            }
        }

        var reached: Int { state.withLock { $0.reached } }

        func open() {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    static func placement(_ name: String) -> StateStoreUpdate {
        StateStoreUpdate(name: name, directory: "worker-1/resources/default/app/\(name)", replaceDirectory: true,
                         files: [StateStoreFile(path: "configmap.yaml", text: "name: \(name)\n")])
    }

    @Test func placementsWaitingWhileTheWriterPushesGoIntoOneCommit() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let gate = Gate()
        // An open gate only counts: the updates that joined the queue.
        let queued = Gate()
        queued.open()
        var configuration = GitWriterConfiguration(url: remote.url, cacheDirectory: tmp.sub("cache"))
        // The first commit waits before its push; what arrives meanwhile queues for the next one.
        configuration.phaseObserver = { phase in
            if case .queued = phase { await queued.wait() }
            if case .committed = phase, gate.reached == 0 { await gate.wait() }
        }
        let writer = try await GitWriter(configuration)
        async let first = writer.update(Self.placement("first"))
        await gate.arrivals(1)
        async let second = writer.update(Self.placement("second"))
        async let third = writer.update(Self.placement("third"))
        // Both are queued behind the held push before it goes on (the first was queued, then taken).
        await queued.arrivals(3)
        #expect(await writer.queuedUpdates == 2)
        gate.open()
        let results = try await [first, second, third]
        #expect(results.allSatisfy { $0.changed })
        #expect(results[1].versionID == results[2].versionID, "second and third share a commit")
        #expect(results[0].versionID != results[1].versionID)
        #expect(try await remote.log() == ["Update from: second", "Update from: first", "seed"])
        #expect(try await remote.log("%b").joined(separator: "\n").contains("Update from: third"))
        for name in ["first", "second", "third"] {
            #expect(await remote.show("worker-1/resources/default/app/\(name)/configmap.yaml") == "name: \(name)\n")
        }
    }

    @Test func aPushRejectedBecauseAnotherWriterPushedFirstIsRetriedWithTheWholeBatch() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        try await git("--git-dir", remote.path, "config", "receive.denyNonFastForwards", "true")
        let gate = Gate()
        let rejections = Mutex(0)
        var configuration = GitWriterConfiguration(url: remote.url, cacheDirectory: tmp.sub("ours"), batchWindow: .milliseconds(50))
        configuration.phaseObserver = { phase in
            switch phase {
            case .committed: if gate.reached == 0 { await gate.wait() }
            case .pushRejected: rejections.withLock { $0 += 1 }
            default: break
            }
        }
        let ours = try await GitWriter(configuration)
        async let a = ours.update(Self.placement("a"))
        async let b = ours.update(Self.placement("b"))
        await gate.arrivals(1)
        // Another writer (its own clone) moves the branch while ours holds its commit.
        let theirs = try await GitWriter(GitWriterConfiguration(url: remote.url, cacheDirectory: tmp.sub("theirs")))
        _ = try await theirs.update(Self.placement("theirs"))
        gate.open()
        let results = try await [a, b]
        #expect(results.allSatisfy { $0.changed })
        #expect(rejections.withLock { $0 } >= 1, "the first push must have been rejected")
        let files = Set(try await remote.files())
        for name in ["a", "b", "theirs"] {
            #expect(files.contains("worker-1/resources/default/app/\(name)/configmap.yaml"), "\(name) lost")
        }
        #expect(try await git("--git-dir", remote.path, "rev-list", "--merges", "--count", "main").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
