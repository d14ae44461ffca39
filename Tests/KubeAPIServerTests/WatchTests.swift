import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct WatchTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!

    private func collect(_ stream: AsyncStream<WatchEvent>, count: Int) async -> [WatchEvent] {
        var out: [WatchEvent] = []
        for await event in stream {
            out.append(event)
            if out.count == count { break }
        }
        return out
    }

    @Test func fromNowSendsCurrentObjectsThenChanges() async throws {
        let store = ObjectStore()
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a"]], dryRun: false)
        let stream = try await store.watch(configMaps, filter: WatchFilter(namespace: "default"), resourceVersion: nil)
        var created = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "b"]], dryRun: false)
        created["data"] = ["x": "1"]
        _ = try await store.update(configMaps, namespace: "default", name: "b", object: created, subresource: nil, dryRun: false)
        _ = try await store.delete(configMaps, namespace: "default", name: "a", dryRun: false)
        let events = await collect(stream, count: 4)
        #expect(events.map(\.type) == [.added, .added, .modified, .deleted])
        #expect(events.map { KubeObject($0.object).name } == ["a", "b", "b", "a"])
        // resourceVersions increase strictly.
        let versions = events.compactMap { KubeObject($0.object).resourceVersion.flatMap { Int64($0) } }
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
    }

    @Test func resumesFromAResourceVersionWithoutGapsOrRepeats() async throws {
        let store = ObjectStore()
        var versions: [String] = []
        for i in 0..<5 {
            let o = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": .string("c\(i)")]], dryRun: false)
            versions.append(KubeObject(o).resourceVersion!)
        }
        let stream = try await store.watch(configMaps, filter: WatchFilter(), resourceVersion: versions[1])
        let events = await collect(stream, count: 3)
        #expect(events.map { KubeObject($0.object).name } == ["c2", "c3", "c4"])
    }

    @Test func expiredResourceVersionIsGone() async throws {
        let store = try ObjectStore(eventWindow: 3)
        let first = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "x0"]], dryRun: false)
        for i in 1..<10 {
            _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": .string("x\(i)")]], dryRun: false)
        }
        await #expect {
            try await store.watch(configMaps, filter: WatchFilter(), resourceVersion: KubeObject(first).resourceVersion)
        } throws: { ($0 as? APIError)?.code == 410 }
    }

    @Test func labelChangesBecomeAddedAndDeleted() async throws {
        let store = ObjectStore()
        let stream = try await store.watch(configMaps, filter: WatchFilter(labelSelector: try LabelRequirement.parse("team=a")), resourceVersion: nil)
        var object = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "m"]], dryRun: false)
        object["metadata"]?["labels"] = ["team": "a"]
        object = try await store.update(configMaps, namespace: "default", name: "m", object: object, subresource: nil, dryRun: false)
        object["metadata"]?["labels"] = ["team": "b"]
        _ = try await store.update(configMaps, namespace: "default", name: "m", object: object, subresource: nil, dryRun: false)
        let events = await collect(stream, count: 2)
        #expect(events.map(\.type) == [.added, .deleted])
    }

    @Test func aSlowWatcherIsClosedWithoutBlockingOthers() async throws {
        let store = ObjectStore()
        let slow = try await store.watch(configMaps, filter: WatchFilter(), resourceVersion: nil, bufferSize: 2)
        let fast = try await store.watch(configMaps, filter: WatchFilter(), resourceVersion: nil, bufferSize: 100)
        for i in 0..<10 {
            _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": .string("s\(i)")]], dryRun: false)
        }
        #expect(await collect(fast, count: 10).count == 10)
        // The slow one got what fit in its buffer, in order, then its stream ended.
        var slowEvents: [WatchEvent] = []
        for await event in slow { slowEvents.append(event) }
        #expect(slowEvents.map { KubeObject($0.object).name } == ["s0", "s1"])
    }

    @Test func kubectlGetWatchSeesAddedModifiedDeleted() async throws {
        try await TestServer.with { server in
            let watcher = Task {
                try await server.kubectl(["get", "configmaps", "--watch", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.name}{\"\\n\"}", "--request-timeout=25s"])
            }
            // Give kubectl time to connect before changing things; it watches for 25 s, room for three
            // kubectl runs while the whole suite loads the machine (they took over 12 s once).
            try await Task.sleep(for: .milliseconds(700))
            _ = try await server.kubectl(["create", "configmap", "watched"])
            _ = try await server.kubectl(["label", "configmap", "watched", "x=y"])
            _ = try await server.kubectl(["delete", "configmap", "watched"])
            let output = try await watcher.value
            let lines = output.stdout.split(separator: "\n").filter { $0.hasSuffix("watched") }
            #expect(lines == ["ADDED watched", "MODIFIED watched", "DELETED watched"], "\(output.stdout) \(output.stderr)")
        }
    }
}
