import Foundation
import KubeClient
import KubeModel
import Synchronization

/// Memory at 1,000 and 10,000 requests. Full pipelines for 10,000 would take hours on two cores
/// (each is a pod of four processes and a commit), so these are requests of a second Promise with
/// no workflows: each is created, gets its finalizers and status from the manager, and is held in
/// the API server's store and the informer caches, but has no Job, Pod, Work, WorkPlacement or
/// commit. That measures what the number of requests costs, not the pipelines.
struct MemoryRun {
    let platform: BenchPlatform

    static let resource = GroupVersionResource(group: "bench.kratix.io", version: "v1", resource: "benchnoops")
    static let kind = "BenchNoop"
    static let promise = BenchPlatform.promise(name: "benchnoop", kind: kind)

    /// Grows the number of requests to each of `steps` in turn and reports, at each, the peak RSS
    /// since the previous step began, the time the step took until every request had its final
    /// status, and the reconciles and manager API requests per request.
    func measure(steps: [Int]) async throws {
        try await platform.install(promise: Self.promise, resource: Self.resource)
        let before = MetricsSnapshot(platform.managerMetrics)
        let tallyBefore = platform.tally.snapshot
        let detailBefore = platform.tally.detail
        // Completion is observed through a watch (cheap, and exact to the moment), not by listing
        // every request again and again.
        let finished = FinishedRequests()
        let listed = try await platform.client.list(Self.resource, namespace: "default")
        let events = platform.client.watch(Self.resource, namespace: "default", options: WatchOptions(resourceVersion: listed.resourceVersion))
        let observer = Task {
            for try await event in events where event.type == .added || event.type == .modified {
                // `workflowsSucceeded` is the last field the manager writes.
                if event.object.json["status"]?["workflowsSucceeded"] != nil { finished.insert(event.object.name ?? "") }
            }
        }
        defer { observer.cancel() }
        var created = 0
        let baseline = currentRSSMegabytes()
        resetPeakRSS()
        for target in steps where target > created {
            let start = ContinuousClock.now
            try await platform.createRequests(Self.resource, kind: Self.kind, names: (created..<target).map { "noop-\($0)" })
            let creates = (ContinuousClock.now - start).seconds
            created = target
            let timeout = Duration.seconds(max(120, target / 10))
            while ContinuousClock.now - start < timeout, finished.count < target {
                try await Task.sleep(for: .milliseconds(20))
            }
            let done = finished.count
            let seconds = (ContinuousClock.now - start).seconds
            let metrics = MetricsSnapshot(platform.managerMetrics).since(before)
            let n = Double(target)
            let requests = platform.tally.snapshot.filter { $0.key != BenchPlatform.benchProduct }
                .reduce(0.0) { $0 + Double($1.value - (tallyBefore[$1.key] ?? 0)) }
            let status = done >= target ? String(format: "all done in %.1f s (creates took %.1f s)", seconds, creates)
                : "TIMED OUT after \(Int(seconds)) s with \(done)/\(target) done"
            emit(label("\(target.formatted()) requests (no workflows)") + String(
                format: " peak RSS %.1f MB, RSS now %.1f MB (%.1f MB at start of phase); %@; %.2f reconciles and %.2f API requests per request (all parts)",
                peakRSSMegabytes(), currentRSSMegabytes(), baseline, status,
                metrics.total(PipelineRun.reconcileTotal) / n, requests / n))
            // Where the API requests and the stored bytes go, for whoever is making them fewer.
            if ProcessInfo.processInfo.environment["KRATIX_BENCH_BREAKDOWN"] != nil {
                emit("    API server storage syncs so far: \(await platform.store.storageSyncCount)")
                for size in await platform.store.storedSizes().prefix(3) {
                    emit(String(format: "    stored %@: %d objects, %.1f MB as JSON (%.0f bytes each)", size.groupResource, size.count,
                                Double(size.jsonBytes) / 1_000_000, Double(size.jsonBytes) / Double(max(1, size.count))))
                }
                for (key, count) in platform.tally.detail.sorted(by: { $0.key < $1.key }) where !key.hasPrefix(BenchPlatform.benchProduct) {
                    let added = count - (detailBefore[key] ?? 0)
                    if added > 0 { emit(String(format: "    %@: %.2f per request", key, Double(added) / n)) }
                }
            }
        }
    }
}

/// Names of the requests seen with their final status.
final class FinishedRequests: Sendable {
    private let names = Mutex(Set<String>())
    func insert(_ name: String) { names.withLock { _ = $0.insert(name) } }
    var count: Int { names.withLock { $0.count } }
}
