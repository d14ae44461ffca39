import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

@Suite struct WatchTests {
    /// Writes objects while a watcher follows them across many short watches (the server closes each
    /// after `timeoutSeconds`); the watcher resumes from the last resourceVersion it saw and must see
    /// exactly the writes, in order, none twice.
    @Test func watchSurvivesServerClosingAndResumesWithoutGapsOrRepeats() async throws {
        try await withClient { _, client in
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: "watched"))
            let start = try await client.list(.configMaps, namespace: "watched").resourceVersion

            let writer = Task { () throws -> [String] in
                var versions: [String] = []
                for i in 0..<24 {
                    let created = try await client.create(.configMaps, configMap("w-\(i)", namespace: "watched", data: ["i": .string("\(i)")]))
                    versions.append(created.resourceVersion ?? "")
                    if i % 3 == 0 {
                        let patched = try await client.patch(.configMaps, name: "w-\(i)", namespace: "watched", .merge(["data": ["patched": "yes"]]))
                        versions.append(patched.resourceVersion ?? "")
                    }
                    if i % 5 == 0 {
                        let deleted = try await client.delete(.configMaps, name: "w-\(i)", namespace: "watched")
                        versions.append(deleted?.resourceVersion ?? "")
                    }
                    try await Task.sleep(for: .milliseconds(90))
                }
                return versions
            }

            var seen: [WatchEvent] = []
            var lastVersion = start
            var sessions = 0
            let deadline = ContinuousClock.now + .seconds(60)
            // 24 creates, 8 patches, 5 deletes.
            while seen.count < 37, ContinuousClock.now < deadline {
                sessions += 1
                for try await event in client.watch(.configMaps, namespace: "watched", options: WatchOptions(resourceVersion: lastVersion, timeoutSeconds: 1)) {
                    if let rv = event.resourceVersion { lastVersion = rv }
                    if event.type != .bookmark { seen.append(event) }
                }
            }
            let written = try await writer.value
            #expect(sessions >= 2, "the writes span several one-second watches")
            #expect(seen.compactMap(\.resourceVersion) == written)
            #expect(seen.filter { $0.type == .added }.count == 24)
            #expect(seen.filter { $0.type == .modified }.count == 8)
            #expect(seen.filter { $0.type == .deleted }.count == 5)
            let numbers = seen.compactMap { $0.resourceVersion.flatMap { Int64($0) } }
            #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }, "strictly increasing: no repeats")
        }
    }

    /// Events arrive while the response is still open: nothing waits for the body to end.
    @Test func eventsStreamAsTheyHappen() async throws {
        try await withClient { _, client in
            let start = try await client.list(.configMaps, namespace: "default").resourceVersion
            _ = try await client.create(.configMaps, configMap("first"))
            var names: [String] = []
            let watch = client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: start, timeoutSeconds: 60))
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                for try await event in watch {
                    names.append(event.object.name ?? "")
                    if names.count == 3 { break }
                    // The next object is created only after this event arrived.
                    _ = try await client.create(.configMaps, configMap("next-\(names.count)"))
                }
            }
            #expect(names == ["first", "next-1", "next-2"])
            #expect(elapsed < .seconds(30))
        }
    }

    @Test func watchWithoutVersionStartsWithTheCurrentObjects() async throws {
        try await withClient { _, client in
            _ = try await client.create(.configMaps, configMap("a", labels: ["w": "1"]))
            _ = try await client.create(.configMaps, configMap("b", labels: ["w": "2"]))
            var events: [WatchEvent] = []
            for try await event in client.watch(.configMaps, namespace: "default", options: WatchOptions(labelSelector: "w=2", timeoutSeconds: 1)) {
                events.append(event)
            }
            #expect(events.map(\.type) == [.added])
            #expect(events.first?.object.name == "b")
        }
    }

    @Test func expiredResourceVersionIsGone() async throws {
        try await CustomServer.with(eventWindow: 5) { server in
            var configuration = ClientConfiguration(server: server.url, tls: TLSSettings(caPEM: server.credentials.caCertificatePEM), credentials: .bearerToken(server.credentials.token))
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                let old = try await client.create(.configMaps, configMap("old")).resourceVersion
                for i in 0..<10 { _ = try await client.create(.configMaps, configMap("filler-\(i)")) }
                await #expect {
                    for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: old, timeoutSeconds: 5)) {}
                } throws: { error in
                    guard case .gone(let status) = error as? ClientError else { return false }
                    return status.code == 410 && "\(error)".contains("too old resource version")
                }
                // Relisting gives a version that can be watched from.
                let fresh = try await client.list(.configMaps, namespace: "default")
                var count = 0
                for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: fresh.resourceVersion, timeoutSeconds: 1)) { count += 1 }
                #expect(count == 0)
            }
        }
    }
}
