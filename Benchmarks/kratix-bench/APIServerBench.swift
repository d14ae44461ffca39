import AsyncHTTPClient
import Foundation
import KubeAPIServer
import KubeModel
import NIOCore

/// The embedded API server over HTTP: creates per second (1 and 8 clients), a list of 10,000
/// objects, watch delivery latency to 100 watchers, and peak memory.
func apiServerBench() async throws {
    let store = ObjectStore()
    let bound = try await APIServer(handler: APIHandler(store: store)).bind()
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        try await run(store: store, bound: bound, client: client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
}

private func run(store: ObjectStore, bound: BoundAPIServer, client: HTTPClient) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await bound.run() }
        defer { group.cancelAll() }
        let base = bound.url + "/api/v1/namespaces/default/configmaps"

        func create(_ name: String) async throws {
            var request = HTTPClientRequest(url: base)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"bench":"true"}},"data":{"key":"value","other":"some longer value to make the object realistic"}}"#))
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .created else { throw BenchError("create \(name): \(response.status)") }
        }

        var start = ContinuousClock.now
        for i in 0..<2_000 { try await create("single-\(i)") }
        var elapsed = ContinuousClock.now - start
        emit(label("apiserver create, 1 client") + String(format: " %8.0f creates/s", 2_000 / elapsed.seconds))

        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { clients in
            for c in 0..<8 {
                clients.addTask { for i in 0..<1_000 { try await create("c\(c)-\(i)") } }
            }
            try await clients.waitForAll()
        }
        elapsed = ContinuousClock.now - start
        emit(label("apiserver create, 8 clients") + String(format: " %8.0f creates/s", 8_000 / elapsed.seconds))

        // 10,000 objects in total now; list them all.
        start = ContinuousClock.now
        let response = try await client.execute(HTTPClientRequest(url: base), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 30)
        elapsed = ContinuousClock.now - start
        emit(label("apiserver list 10,000 objects") + String(format: " %8.1f ms, %.1f MB", elapsed.seconds * 1000, Double(body.readableBytes) / 1e6))

        // Watch delivery: 100 watchers, latency from write to every watcher having the event.
        let configMaps = await store.allResources().first { $0.plural == "configmaps" }!
        var streams: [AsyncStream<WatchEvent>] = []
        for _ in 0..<100 {
            streams.append(try await store.watch(configMaps, filter: WatchFilter(labelSelector: try LabelRequirement.parse("watched=yes")), resourceVersion: "\(await store.currentResourceVersion)"))
        }
        var latencies: [Double] = []
        for i in 0..<50 {
            let sent = ContinuousClock.now
            _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": .string("watched-\(i)"), "labels": ["watched": "yes"]]], dryRun: false)
            try await withThrowingTaskGroup(of: Void.self) { readers in
                for stream in streams {
                    readers.addTask {
                        var iterator = stream.makeAsyncIterator()
                        _ = await iterator.next()
                    }
                }
                try await readers.waitForAll()
            }
            latencies.append((ContinuousClock.now - sent).seconds * 1000)
        }
        latencies.sort()
        emit(label("watch delivery to 100 watchers") + String(format: " p50 %.2f ms, p99 %.2f ms", latencies[latencies.count / 2], latencies[latencies.count * 99 / 100]))
        emit(label("peak RSS (10,000 objects held)") + String(format: " %8.1f MB", peakRSSMegabytes()))
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// `VmHWM` from /proc/self/status: the process's peak resident set.
func peakRSSMegabytes() -> Double { statusMegabytes("VmHWM:") }

/// Resident memory now (not the peak), to measure what one part adds.
func currentRSSMegabytes() -> Double { statusMegabytes("VmRSS:") }

func statusMegabytes(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field) {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}
