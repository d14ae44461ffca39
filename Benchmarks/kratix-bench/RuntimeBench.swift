import Foundation
import KubeAPIServer
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// The controller runtime: informer initial sync (time, and the resident memory the cache adds)
/// for 10,000 and 50,000 objects served by the embedded API server, and work-queue throughput
/// through a controller whose reconcile does nothing.
func runtimeBench() async throws {
    for count in [10_000, 50_000] {
        try await informerSync(objects: count)
    }
    try await queueThroughput(keys: 200_000, workers: 1)
    try await queueThroughput(keys: 200_000, workers: 4)
}

private func informerSync(objects count: Int) async throws {
    let store = ObjectStore()
    let configMaps = await store.allResources().first { $0.plural == "configmaps" }!
    for i in 0..<count {
        _ = try await store.create(configMaps, namespace: "default", object: [
            "metadata": ["name": .string("cm-\(i)"), "labels": ["bench": "true", "app": .string("app-\(i % 100)")]],
            "data": ["key": "value", "other": "some longer value to make the object realistic"],
        ], dryRun: false)
    }
    let bound = try await APIServer(handler: APIHandler(store: store)).bind()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await bound.run() }
        defer { group.cancelAll() }
        let client = try KubeClient(configuration: ClientConfiguration(server: bound.url))
        let before = currentRSSMegabytes()
        let informer = Informer(client: client, resource: .configMaps)
        let start = ContinuousClock.now
        let run = Task { await informer.run() }
        await informer.waitForSync()
        let elapsed = ContinuousClock.now - start
        let after = currentRSSMegabytes()
        emit(label("informer sync \(count.formatted()) objects") + String(format: " %8.0f ms, cache +%.0f MB RSS (%.1f KB/object)",
                                                                      elapsed.seconds * 1000, after - before, (after - before) * 1024 / Double(count)))
        run.cancel()
        await run.value
        try await client.shutdown()
    }
}

private func queueThroughput(keys: Int, workers: Int) async throws {
    let controller = Controller(name: "bench-\(workers)", workers: workers, logger: Logger(label: "bench")) { _, _ in .done }
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await controller.run() }
        for i in 0..<keys { await controller.enqueue(ObjectKey(namespace: "default", name: "key-\(i)")) }
        while await controller.queue.count > 0 { try await Task.sleep(for: .milliseconds(1)) }
        group.cancelAll()
    }
    let elapsed = ContinuousClock.now - start
    emit(label("queue, no-op reconcile, \(workers) worker(s)") + String(format: " %8.0f keys/s", Double(keys) / elapsed.seconds))
}
