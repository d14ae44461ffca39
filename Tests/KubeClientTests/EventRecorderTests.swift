import Foundation
import Synchronization
import KratixTestSupport
@testable import KubeClient
import KubeModel
import Testing

@Suite struct EventRecorderTests {
    func events(_ client: KubeClient, about object: KubeObject, namespace: String = "default") async throws -> [KubeObject] {
        try await client.list(.events, namespace: namespace, options: ListOptions(fieldSelector: "involvedObject.uid=\(object.uid ?? "")")).items
    }

    @Test func repeatsAggregateIntoOneEvent() async throws {
        try await withClient { _, client in
            let object = try await client.create(.configMaps, configMap("subject"))
            let recorder = EventRecorder(client: client, component: "kratix-controller", host: "node-1")
            for _ in 0..<3 {
                await recorder.record(object, type: .normal, reason: "Synced", message: "all good")
            }
            await recorder.record(object, type: .warning, reason: "Failed", message: "pipeline failed")

            let recorded = try await events(client, about: object)
            #expect(recorded.count == 2)
            let synced = try #require(recorded.first { $0.json["reason"] == "Synced" })
            #expect(synced.json["count"] == 3)
            #expect(synced.json["type"] == "Normal")
            #expect(synced.json["message"] == "all good")
            #expect(synced.json["involvedObject"]?["kind"] == "ConfigMap")
            #expect(synced.json["involvedObject"]?["name"] == "subject")
            #expect(synced.json["involvedObject"]?["namespace"] == "default")
            #expect(synced.json["source"] == ["component": "kratix-controller", "host": "node-1"])
            #expect(synced.json["firstTimestamp"]?.stringValue != nil)
            #expect(synced.json["lastTimestamp"]?.stringValue != nil)
            #expect(synced.name?.hasPrefix("subject.") == true)
            let failed = try #require(recorded.first { $0.json["reason"] == "Failed" })
            #expect(failed.json["type"] == "Warning")
            #expect(failed.json["count"] == 1)
        }
    }

    @Test func outsideTheWindowANewEventIsCreated() async throws {
        try await withClient { _, client in
            let object = try await client.create(.configMaps, configMap("windowed"))
            let recorder = EventRecorder(client: client, component: "c", aggregationWindow: .zero)
            await recorder.record(object, type: .normal, reason: "R", message: "m")
            await recorder.record(object, type: .normal, reason: "R", message: "m")
            #expect(try await events(client, about: object).count == 2)
        }
    }

    @Test func memoryIsBounded() async throws {
        try await withClient { _, client in
            let a = try await client.create(.configMaps, configMap("a"))
            let b = try await client.create(.configMaps, configMap("b"))
            let recorder = EventRecorder(client: client, component: "c", capacity: 1)
            await recorder.record(a, type: .normal, reason: "R", message: "m")
            await recorder.record(b, type: .normal, reason: "R", message: "m")  // evicts a's key
            await recorder.record(a, type: .normal, reason: "R", message: "m")
            #expect(try await events(client, about: a).count == 2)
            #expect(try await events(client, about: b).count == 1)
        }
    }

    @Test func clusterScopedObjectsGetEventsInDefault() async throws {
        try await withClient { _, client in
            let namespace = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: "team-x"))
            let recorder = EventRecorder(client: client, component: "c")
            await recorder.record(namespace, type: .normal, reason: "Created", message: "namespace ready")
            let recorded = try await events(client, about: namespace)
            #expect(recorded.count == 1)
            #expect(recorded.first?.namespace == "default")
            #expect(recorded.first?.json["involvedObject"]?["namespace"] == nil)
        }
    }

    @Test func queuedEventsAreWrittenByDeliverAndAggregateTheSame() async throws {
        try await withClient { _, client in
            let object = try await client.create(.configMaps, configMap("queued"))
            let recorder = EventRecorder(client: client, component: "c", delivery: .queued(capacity: 16, writers: 2))
            for _ in 0..<3 { await recorder.record(object, type: .normal, reason: "Synced", message: "all good") }
            await recorder.record(object, type: .warning, reason: "Failed", message: "pipeline failed")
            #expect(try await events(client, about: object).isEmpty, "nothing is written before deliver runs")
            // Delivery ends once what is queued is written.
            recorder.finishDelivery()
            await recorder.deliver()
            let recorded = try await events(client, about: object)
            #expect(recorded.count == 2)
            #expect(recorded.first { $0.json["reason"] == "Synced" }?.json["count"] == 3)
            #expect(recorded.first { $0.json["reason"] == "Failed" }?.json["involvedObject"]?["uid"]?.stringValue == object.uid)
        }
    }

    @Test func repeatsWithinTheSeriesIntervalOnlyCount() async throws {
        try await withClient { _, client in
            let object = try await client.create(.configMaps, configMap("series"))
            let clock = TestNow()
            let recorder = EventRecorder(client: client, component: "c", host: nil, aggregationWindow: .seconds(600), capacity: 16,
                                         seriesInterval: .seconds(60), now: { clock.value })
            for _ in 0..<3 { await recorder.record(object, type: .normal, reason: "Started", message: "m") }
            #expect(try await events(client, about: object).first?.json["count"] == 1, "repeats within the interval are not written")
            clock.advance(61)
            await recorder.record(object, type: .normal, reason: "Started", message: "m")
            #expect(try await events(client, about: object).first?.json["count"] == 4, "the next repeat writes every one counted")
        }
    }

    @Test func aFullQueueDropsAndCounts() async throws {
        try await withClient { _, client in
            let object = try await client.create(.configMaps, configMap("full"))
            let recorder = EventRecorder(client: client, component: "c", delivery: .queued(capacity: 1, writers: 1))
            for i in 0..<3 { await recorder.record(object, type: .normal, reason: "R", message: "m\(i)") }
            #expect(await recorder.droppedCount == 2)
            recorder.finishDelivery()
            await recorder.deliver()
            #expect(try await events(client, about: object).map { $0.json["message"]?.stringValue } == ["m0"])
        }
    }

    @Test func failuresAreLoggedNotThrown() async throws {
        let capture = LogCapture()
        try await TestAPIServer.with(tls: true) { server in
            try await using(try makeClient(server, token: "wrong", logger: capture.logger())) { client in
                let recorder = EventRecorder(client: client, component: "c")
                await recorder.record(configMap("x"), type: .warning, reason: "R", message: "m")
            }
        }
        #expect(capture.all.contains { $0.hasPrefix("warning") && $0.contains("cannot record event") })
    }
}

/// A settable clock for the recorder's `now`.
final class TestNow: Sendable {
    private let seconds = Mutex<Double>(1_800_000_000)
    var value: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}
