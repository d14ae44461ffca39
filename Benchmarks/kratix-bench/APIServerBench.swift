import AsyncHTTPClient
import Foundation
import KubeAPIServer
import KubeModel
import NIOCore
import NIOSSL

/// The embedded API server: creates per second (1 and 8 clients), a list of 10,000 objects,
/// watch delivery latency to 100 watchers, and peak memory; first as `kratix apiserver` runs by
/// default (TLS, bearer token, durable storage whose journal is synced before a write is
/// answered), then in memory over plain HTTP, to show what TLS and durability cost.
func apiServerBench() async throws {
    for mode in [APIServerBenchMode.asDeployed, .inMemory] {
        emit("-- \(mode.description)")
        _ = resetPeakRSS()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-bench-apiserver-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = APIServer.Configuration(host: "127.0.0.1", port: 0)
        var httpConfiguration = HTTPClient.Configuration()
        var token: String?
        if mode.tls {
            let credentials = try ServerCredentials.loadOrCreate(in: directory, hosts: ["127.0.0.1", "localhost"])
            configuration.credentials = credentials
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(credentials.caCertificatePEM.utf8)))
            httpConfiguration.tlsConfiguration = tls
            token = credentials.token
        }
        let store = try ObjectStore(dataDirectory: mode.durable ? directory + "/storage" : nil)
        let bound = try await APIServer(configuration: configuration, handler: APIHandler(store: store)).bind()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        do {
            try await run(store: store, bound: bound, client: client, token: token, mode: mode)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

struct APIServerBenchMode: CustomStringConvertible {
    var tls: Bool
    var durable: Bool
    var suffix: String
    var description: String

    static let asDeployed = APIServerBenchMode(
        tls: true, durable: true, suffix: " (TLS, durable)",
        description: "as `kratix apiserver` runs by default: TLS, bearer token, durable storage (journal synced before each answer, one fsync per batch)")
    static let inMemory = APIServerBenchMode(tls: false, durable: false, suffix: " (HTTP, in memory)",
                                             description: "in memory over plain HTTP without authentication (what TLS and durability cost)")
}

private func run(store: ObjectStore, bound: BoundAPIServer, client: HTTPClient, token: String?, mode: APIServerBenchMode) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await bound.run() }
        defer { group.cancelAll() }
        let base = bound.url + "/api/v1/namespaces/default/configmaps"
        func authorized(_ request: inout HTTPClientRequest) {
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        }

        func create(_ name: String) async throws {
            var request = HTTPClientRequest(url: base)
            request.method = .POST
            authorized(&request)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"bench":"true"}},"data":{"key":"value","other":"some longer value to make the object realistic"}}"#))
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .created else { throw BenchError("create \(name): \(response.status)") }
        }

        var start = ContinuousClock.now
        for i in 0..<2_000 { try await create("single-\(i)") }
        var elapsed = ContinuousClock.now - start
        emit(label("apiserver create, 1 client" + mode.suffix) + String(format: " %8.0f creates/s", 2_000 / elapsed.seconds))

        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { clients in
            for c in 0..<8 {
                clients.addTask { for i in 0..<1_000 { try await create("c\(c)-\(i)") } }
            }
            try await clients.waitForAll()
        }
        elapsed = ContinuousClock.now - start
        emit(label("apiserver create, 8 clients" + mode.suffix) + String(format: " %8.0f creates/s (%d fsyncs)", 8_000 / elapsed.seconds, await store.storageSyncCount))

        // 10,000 objects in total now; list them all.
        start = ContinuousClock.now
        var list = HTTPClientRequest(url: base)
        authorized(&list)
        let response = try await client.execute(list, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 30)
        elapsed = ContinuousClock.now - start
        emit(label("apiserver list 10,000 objects" + mode.suffix) + String(format: " %8.1f ms, %.1f MB", elapsed.seconds * 1000, Double(body.readableBytes) / 1e6))

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
        emit(label("watch delivery to 100 watchers" + mode.suffix) + String(format: " p50 %.2f ms, p99 %.2f ms", latencies[latencies.count / 2], latencies[latencies.count * 99 / 100]))
        emit(label("peak RSS (10,000 objects held)" + mode.suffix) + String(format: " %8.1f MB", peakRSSMegabytes()))
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
