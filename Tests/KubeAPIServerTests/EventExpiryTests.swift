import Foundation
import KubeModel
import Synchronization
import Testing

@testable import KubeAPIServer

/// Events go after an hour, as kube-apiserver's `--event-ttl`, and beyond a count the oldest go
/// first: a long `kratix dev` session does not keep every Event in memory.
@Suite struct EventExpiryTests {
    let events = BuiltinResources.all.first { $0.plural == "events" && $0.group == "" }!

    final class Clock: Sendable {
        private let seconds = Mutex<Double>(1_800_000_000)
        var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    func event(_ name: String) -> JSONObject {
        ["metadata": ["name": .string(name)], "involvedObject": ["kind": "ConfigMap", "name": "x"], "reason": "R", "message": "m"]
    }

    func names(_ store: ObjectStore) async -> [String] {
        await store.list(events, filter: WatchFilter()).items.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted()
    }

    @Test func theOldestGoBeyondTheCountAndAllAfterTheTTL() async throws {
        let clock = Clock()
        let store = try ObjectStore(clock: { clock.now })
        await store.keepAtMost(events: 3)
        for i in 0..<5 {
            _ = try await store.create(events, namespace: "default", object: event("e\(i)"), dryRun: false)
            clock.advance(1)
        }
        #expect(await names(store) == ["e2", "e3", "e4"])
        // A deleted Event is simply skipped when its turn comes.
        _ = try await store.delete(events, namespace: "default", name: "e3", dryRun: false)
        clock.advance(3600)
        _ = try await store.create(events, namespace: "default", object: event("late"), dryRun: false)
        #expect(await names(store) == ["late"])
    }

    @Test func expiryIsADeletionWatchersSee() async throws {
        let store = ObjectStore()
        await store.keepAtMost(events: 1)
        _ = try await store.create(events, namespace: "default", object: event("first"), dryRun: false)
        let start = await store.currentResourceVersion
        let stream = try await store.watch(events, filter: WatchFilter(), resourceVersion: start)
        _ = try await store.create(events, namespace: "default", object: event("second"), dryRun: false)
        var seen: [String] = []
        for await change in stream {
            seen.append("\(change.type) \(change.object["metadata"]?["name"]?.stringValue ?? "")")
            if seen.count == 2 { break }
        }
        #expect(seen == ["added second", "deleted first"])
    }
}
