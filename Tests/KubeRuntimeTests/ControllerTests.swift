import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct ControllerTests {
    @Test func reconcilesEveryObjectRetriesFailuresAndFollowsOwners() async throws {
        try await TestAPIServer.with(tls: true) { server in
            try await withClient(server) { client in
                let informers = SharedInformers(client: client)
                let attempts = Mutex<[String: Int]>([:])
                let controller = Controller(name: "configmaps", workers: 2) { key, context in
                    let n = attempts.withLock { a -> Int in a[key.name, default: 0] += 1; return a[key.name]! }
                    if key.name == "flaky", n < 3 { throw ClientError.transport("simulated failure \(n)") }
                    // A write race (409) is expected in normal operation: retried like any failure, logged quietly.
                    if key.name == "racy", n < 2 { throw ClientError.conflict(APIStatus(code: 409, reason: "Conflict", message: "the object has been modified")) }
                    let object = try await client.get(.configMaps, name: key.name, namespace: key.namespace)
                    if object.annotations["reconciled"] == nil {
                        _ = try await client.patch(.configMaps, name: key.name, namespace: key.namespace,
                                                   .merge(["metadata": ["annotations": ["reconciled": .string(context.reconcileID)]]]))
                    }
                    return .done
                }
                let cms = await informers.informer(for: .configMaps, namespace: "default")
                await controller.watch(cms, trigger: .primary, filter: .resourceVersionChanged)
                // Secrets owned by a ConfigMap wake their owner.
                let secrets = await informers.informer(for: .secrets, namespace: "default")
                await controller.watch(secrets, trigger: .owner(kind: "ConfigMap", group: ""))
                let run = Task {
                    await withDiscardingTaskGroup { group in
                        group.addTask { await informers.tasks.run() }
                        group.addTask { await controller.run() }
                    }
                }
                defer { run.cancel() }

                for name in ["a", "b", "flaky", "racy"] { _ = try await client.create(.configMaps, configMap(name)) }
                let allDone = try await eventually {
                    let items = try await client.list(.configMaps, namespace: "default").items
                    let ours = items.filter { ["a", "b", "flaky", "racy"].contains($0.name ?? "") }
                    return ours.count == 4 && ours.allSatisfy { $0.annotations["reconciled"] != nil }
                }
                #expect(allDone)
                #expect((attempts.withLock { $0["flaky"] } ?? 0) >= 3, "two failures, then success")
                #expect((attempts.withLock { $0["racy"] } ?? 0) >= 2, "a conflict is retried")
                #expect(ClientError.conflict(APIStatus(code: 409, reason: "Conflict", message: "x")).isConflict)
                #expect(!ClientError.transport("x").isConflict)

                let owner = try await client.get(.configMaps, name: "a", namespace: "default")
                let before = attempts.withLock { $0["a"] ?? 0 }
                var secret = KubeObject(apiVersion: "v1", kind: "Secret", name: "owned", namespace: "default")
                secret.json["metadata"]?["ownerReferences"] = [[
                    "apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": .string(owner.uid ?? ""), "controller": true,
                ]]
                _ = try await client.create(.secrets, secret)
                #expect(await eventually { attempts.withLock { $0["a"] ?? 0 } > before })
            }
        }
    }
}
