import Foundation
import KubeClient
import KubeModel
import KubeRuntime

/// One mode's measurements on a fresh platform with the one-stage `benchapp` Promise: first
/// `samples` requests one at a time (latency to the file being in the bare repository), then N
/// requests created at once, timed until every file is pushed and every request is Reconciled.
struct PipelineRun {
    let platform: BenchPlatform
    let mode: PlatformMode

    static let resource = GroupVersionResource(group: "bench.kratix.io", version: "v1", resource: "benchapps")
    static let kind = "BenchApp"
    /// Where the requests' files land: `<destination>/resources/<namespace>/<promise>/<name>/...`.
    static let filesDirectory = "\(BenchPlatform.destinationPath)/resources/default/benchapp"
    static let reconcileTotal = "controller_runtime_reconcile_total"
    static let apiRequestsTotal = "rest_client_requests_total"

    /// A resource configure workflow of one pipeline with one trivial stage. Raw string: the `\n`
    /// are for printf, not for Swift or YAML.
    static let promise = BenchPlatform.promise(name: "benchapp", kind: kind, rest: #"""
          destinationSelectors:
            - matchLabels: {environment: dev}
          workflows:
            resource:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: render}
                  spec:
                    containers:
                      - name: render
                        image: busybox
                        command: ["/bin/sh", "-c"]
                        args:
                          - |
                            printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\n  namespace: default\n' > /kratix/output/x.yaml
        """#)

    func measure(requests: Int, samples: Int) async throws -> RunFigures {
        try await platform.install(promise: Self.promise, resource: Self.resource)
        var figures = RunFigures(mode: mode, requests: requests)
        figures.latencies = try await latencies(samples: samples)

        // N at once.
        let names = (0..<requests).map { "req-\($0)" }
        let metricsSplit = [Self.reconcileTotal: "controller"]
        let managerBefore = MetricsSnapshot(platform.managerMetrics, splitting: metricsSplit)
        let tallyBefore = platform.tally.snapshot
        let detailBefore = platform.tally.detail
        let commitsBefore = try await platform.repository.commitCount()
        let peakReset = resetPeakRSS()
        let timeout = Duration.seconds(max(120, requests * 3))
        figures.loadBefore = loadAverage()
        let start = ContinuousClock.now
        try await platform.createRequests(Self.resource, kind: Self.kind, names: names)
        figures.createSeconds = (ContinuousClock.now - start).seconds

        // Files: polled every 0.5 s with `git ls-tree` on the bare repository.
        var progress = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            figures.filesPresent = try await pushedRequests(prefix: "req-")
            if figures.filesPresent >= requests {
                figures.filesSeconds = (ContinuousClock.now - start).seconds
                break
            }
            if ContinuousClock.now - progress > .seconds(30) {
                progress = ContinuousClock.now
                note("\(mode.name): \(figures.filesPresent)/\(requests) pushed after \(Int((ContinuousClock.now - start).seconds)) s")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        // Then every request Reconciled (status follows the push).
        while ContinuousClock.now - start < timeout {
            figures.reconciled = try await reconciledRequests(prefix: "req-")
            if figures.reconciled >= requests {
                figures.reconciledSeconds = (ContinuousClock.now - start).seconds
                break
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        figures.loadAfter = loadAverage()
        figures.peakRSS = peakRSSMegabytes()
        figures.peakRSSIsRunPeak = peakReset
        figures.commits = try await platform.repository.commitCount() - commitsBefore
        let manager = MetricsSnapshot(platform.managerMetrics, splitting: metricsSplit).since(managerBefore)
        figures.reconciles = manager.total(Self.reconcileTotal)
        figures.reconcilesByController = manager.byLabel[Self.reconcileTotal] ?? [:]
        for (product, count) in platform.tally.snapshot where product != BenchPlatform.benchProduct {
            let delta = Double(count - (tallyBefore[product] ?? 0))
            if delta > 0 { figures.apiRequestsByPart[product] = delta }
        }
        for (request, count) in platform.tally.detail where !request.hasPrefix(BenchPlatform.benchProduct + " ") {
            let delta = Double(count - (detailBefore[request] ?? 0))
            if delta > 0 { figures.apiRequestsByKind[request] = delta }
        }
        return figures
    }

    /// One request at a time on the otherwise idle platform: from just before `create` to the
    /// moment the branch in the bare repository points at a commit containing the request's file
    /// (the ref file is polled every 2 ms; each new commit is confirmed with `git ls-tree`). The next
    /// request waits until this one is Reconciled.
    private func latencies(samples: Int) async throws -> [Double] {
        var values: [Double] = []
        for index in 0..<samples {
            let name = "latency-\(index)"
            let directory = "\(Self.filesDirectory)/\(name)"
            var checked = platform.repository.head()
            let start = ContinuousClock.now
            _ = try await platform.client.create(Self.resource, BenchPlatform.request(Self.resource, kind: Self.kind, name: name),
                                                 namespace: "default")
            var pushed: Duration?
            while pushed == nil, ContinuousClock.now - start < .seconds(120) {
                if let head = platform.repository.head(), head != checked {
                    let seen = ContinuousClock.now
                    checked = head
                    if try await platform.repository.files(under: directory, at: head).contains(where: { $0.hasSuffix("/x.yaml") }) {
                        pushed = seen - start
                    }
                } else {
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            guard let pushed else { throw BenchError("\(name): no file in the state store after 120 s") }
            values.append(pushed.seconds * 1000)
            try await platform.waitFor("\(name) Reconciled", timeout: .seconds(120), every: .milliseconds(20)) {
                let request = try await platform.client.get(Self.resource, name: name, namespace: "default")
                return BenchPlatform.condition("Reconciled", of: request) == "True"
            }
        }
        return values
    }

    /// Requests named `prefix…` whose `x.yaml` is in the branch of the bare repository.
    private func pushedRequests(prefix: String) async throws -> Int {
        guard platform.repository.head() != nil else { return 0 }
        var names = Set<Substring>()
        let depth = Self.filesDirectory.split(separator: "/").count
        for path in try await platform.repository.files(under: Self.filesDirectory) where path.hasSuffix("/x.yaml") {
            let components = path.split(separator: "/")
            if components.count > depth, components[depth].hasPrefix(prefix) { names.insert(components[depth]) }
        }
        return names.count
    }

    private func reconciledRequests(prefix: String) async throws -> Int {
        try await platform.client.list(Self.resource, namespace: "default").items.filter {
            ($0.name ?? "").hasPrefix(prefix) && BenchPlatform.condition("Reconciled", of: $0) == "True"
        }.count
    }
}
