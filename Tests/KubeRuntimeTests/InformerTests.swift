import KratixTestSupport
import KubeClient
import KubeModel
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct InformerTests {
    /// Every delivery per object, to check none is missed or repeated.
    final class Deliveries: Sendable {
        let seen = Mutex<[String: [Int64]]>([:])
        let duplicates = Mutex<[String]>([])

        func record(_ event: InformerEvent) {
            guard case .updated(let old, let new) = event, old.resourceVersion == new.resourceVersion else {
                let object = event.object
                let rv = Int64(object.resourceVersion ?? "") ?? -1
                let name = object.name ?? ""
                seen.withLock { seen in
                    if let last = seen[name]?.last, last >= rv, !(isDelete(event) && last == rv) {
                        duplicates.withLock { $0.append("\(name)@\(rv) after \(last)") }
                    }
                    seen[name, default: []].append(rv)
                }
                return
            }
        }

        func isDelete(_ event: InformerEvent) -> Bool {
            if case .deleted = event { return true }
            return false
        }
    }

    @Test func survivesTheServerDroppingEveryWatchAndMatchesAFreshListAfter1000Writes() async throws {
        try await TestAPIServer.with(tls: true) { server in
            try await withClient(server) { client in
                let informer = Informer(client: client, resource: .configMaps,
                                        configuration: Watcher.Configuration(namespace: "default", watchTimeoutSeconds: 3))
                let deliveries = Deliveries()
                await informer.subscribe { deliveries.record($0) }
                let run = Task { await informer.run() }
                defer { run.cancel() }
                await informer.waitForSync()

                var generator = SystemRandomNumberGenerator()
                var existing = Set<String>()
                for i in 0..<1000 {
                    let name = "cm-\(Int.random(in: 0..<60, using: &generator))"
                    if existing.contains(name) {
                        if Bool.random(using: &generator) {
                            _ = try await client.patch(.configMaps, name: name, namespace: "default", .merge(["data": ["i": .string("\(i)")]]))
                        } else {
                            try await client.delete(.configMaps, name: name, namespace: "default")
                            existing.remove(name)
                        }
                    } else {
                        _ = try await client.create(.configMaps, configMap(name, data: ["i": "\(i)"]))
                        existing.insert(name)
                    }
                    if i % 97 == 0 { await server.store.closeAllWatches() }
                }
                let fresh = try await client.list(.configMaps, namespace: "default")
                let converged = await eventually {
                    let cached = Dictionary(uniqueKeysWithValues: informer.cache.list().map { ($0.name ?? "", $0.resourceVersion ?? "") })
                    let listed = Dictionary(uniqueKeysWithValues: fresh.items.map { ($0.name ?? "", $0.resourceVersion ?? "") })
                    return cached == listed
                }
                #expect(converged, "the cache must equal a fresh list")
                #expect(Set(fresh.items.compactMap(\.name)) == existing.union(["kube-root-ca.crt"]), "the namespace's root CA and ours")
                #expect(deliveries.duplicates.withLock { $0 }.isEmpty, "deliveries repeated or out of order: \(deliveries.duplicates.withLock { $0 })")
            }
        }
    }

    @Test func aForcedGoneRelistsAndDeliversDeletionsMissedMeanwhile() async throws {
        try await TestAPIServer.with(tls: true, eventWindow: 10) { server in
            try await withClient(server) { client in
                for name in ["keep", "doomed-1", "doomed-2", "blocker"] {
                    _ = try await client.create(.configMaps, configMap(name))
                }
                let informer = Informer(client: client, resource: .configMaps, configuration: Watcher.Configuration(namespace: "default"))
                let gate = Gate()
                let deleted = Mutex<[String]>([])
                await informer.subscribe { event in
                    if case .updated(_, let new) = event, new.name == "blocker" { await gate.wait() }
                    if case .deleted(let o) = event { deleted.withLock { $0.append(o.name ?? "") } }
                }
                let run = Task { await informer.run() }
                defer { run.cancel() }
                await informer.waitForSync()
                #expect(informer.cache.count == 5, "ours and the namespace's kube-root-ca.crt")

                // Hold the informer inside a delivery, drop its watch, and let the event window move
                // past it while it cannot read: its resume must get 410 Gone.
                _ = try await client.patch(.configMaps, name: "blocker", namespace: "default", .merge(["data": ["x": "1"]]))
                #expect(await eventually { await gate.isWaiting })
                await server.store.closeAllWatches()
                try await client.delete(.configMaps, name: "doomed-1", namespace: "default")
                try await client.delete(.configMaps, name: "doomed-2", namespace: "default")
                for i in 0..<20 { _ = try await client.create(.configMaps, configMap("filler-\(i)")) }
                await gate.open()

                #expect(await eventually { informer.cache.get(namespace: "default", name: "doomed-1") == nil && informer.cache.count == 23 })
                #expect(informer.cache.get(namespace: "default", name: "doomed-2") == nil)
                // Subscribers hear of the synthesised deletions after the cache has dropped them.
                #expect(await eventually { Set(deleted.withLock { $0 }) == ["doomed-1", "doomed-2"] }, "\(deleted.withLock { $0 })")
            }
        }
    }
}

/// Holds a task until opened.
actor Gate {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var opened = false

    var isWaiting: Bool { !waiters.isEmpty }

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        opened = true
        for w in waiters { w.resume() }
        waiters = []
    }
}
