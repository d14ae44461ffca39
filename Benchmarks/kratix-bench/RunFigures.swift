import Foundation

/// What one mode measured.
struct RunFigures: Sendable {
    var mode: PlatformMode
    var requests: Int
    var latencies: [Double] = []
    var createSeconds = 0.0
    var filesPresent = 0
    var filesSeconds: Double?
    var reconciled = 0
    var reconciledSeconds: Double?
    var commits = 0
    var reconciles = 0.0
    var reconcilesByController: [String: Double] = [:]
    /// Requests the API server answered during the N-request run, by part (`kratix-manager`,
    /// `kratix-runner`, `kratix-pipeline-adapter`); the bench's own are left out.
    var apiRequestsByPart: [String: Double] = [:]
    var apiRequests: Double { apiRequestsByPart.values.reduce(0, +) }
    /// The same by `part METHOD resource`, printed with KRATIX_BENCH_VERBOSE=1.
    var apiRequestsByKind: [String: Double] = [:]
    var peakRSS = 0.0
    var peakRSSIsRunPeak = false
    /// The machine's 1-minute load average when the N requests were created and when they were done.
    var loadBefore = "?"
    var loadAfter = "?"

    func print() {
        let n = Double(requests)
        if let p = percentiles(latencies) {
            emit(label("create → file in bare repo") + String(format: " p50 %6.0f ms, p99 %6.0f ms (%ld samples, one request at a time; git ref polled 2 ms, confirmed by ls-tree)",
                                                                p.p50, p.p99, latencies.count))
        }
        if let files = filesSeconds {
            emit(label("requests: all files pushed") + String(format: " %8.1f s  (%ld requests, %.1f requests/s; creates took %.1f s)", files, requests, n / files, createSeconds))
        } else {
            emit(label("requests: all files pushed") + "  TIMED OUT with \(filesPresent)/\(requests) pushed")
        }
        if let reconciled = reconciledSeconds {
            emit(label("requests: all Reconciled") + String(format: " %8.1f s     (machine load average %@ → %@)", reconciled, loadBefore, loadAfter))
        } else {
            emit(label("requests: all Reconciled") + "  TIMED OUT with \(reconciled)/\(requests)")
        }
        emit(label("commits for them (git rev-list --count)") + String(format: " %8ld      (%.2f per request)", commits, Double(commits) / n))
        emit(label("reconciles per request") + String(format: " %8.2f      (%@)", reconciles / n, breakdown))
        func part(_ product: String) -> Double { (apiRequestsByPart[product] ?? 0) / n }
        let others = apiRequestsByPart.filter { !["kratix-manager", "kratix-runner", "kratix-pipeline-adapter"].contains($0.key) }
            .sorted { $0.key < $1.key }.map { String(format: ", %@ %.2f", $0.key, $0.value / n) }.joined()
        emit(label("API requests per request (all parts)") + String(format: " %8.2f      (manager %.2f, runner %.2f, adapters %.2f%@; counted by the API server)",
                                                                       apiRequests / n, part("kratix-manager"), part("kratix-runner"),
                                                                       part("kratix-pipeline-adapter"), others))
        if ProcessInfo.processInfo.environment["KRATIX_BENCH_VERBOSE"] != nil {
            for (kind, count) in apiRequestsByKind.sorted(by: { $0.value > $1.value }) {
                emit("    " + label(kind) + String(format: " %8.2f per request", count / n))
            }
        }
        emit(label("peak RSS") + String(format: " %8.1f MB   (%@; API server, runner and manager in one process)",
                                        peakRSS, peakRSSIsRunPeak ? "VmHWM during the N-request run" : "VmHWM since process start"))
    }

    /// Reconciles per request by controller, largest first.
    private var breakdown: String {
        reconcilesByController.filter { $0.value > 0 }.sorted { $0.value > $1.value }
            .map { String(format: "%@ %.2f", $0.key, $0.value / Double(requests)) }.joined(separator: ", ")
    }

    /// Upstream-like divided by tuned, for the figures the comparison is about.
    static func printRatio(upstream: RunFigures, tuned: RunFigures) {
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b > 0 else { return "n/a" }
            return String(format: "%.2f×", a / b)
        }
        emit("-- upstream-like ÷ tuned")
        emit(label("time to all files pushed") + " " + ratio(upstream.filesSeconds, tuned.filesSeconds))
        emit(label("time to all Reconciled") + " " + ratio(upstream.reconciledSeconds, tuned.reconciledSeconds))
        emit(label("commits") + " " + ratio(Double(upstream.commits), Double(tuned.commits)))
        emit(label("reconciles") + " " + ratio(upstream.reconciles, tuned.reconciles))
        emit(label("API requests") + " " + ratio(upstream.apiRequests, tuned.apiRequests))
        emit(label("create → pushed latency p50") + " " + ratio(percentiles(upstream.latencies)?.p50, percentiles(tuned.latencies)?.p50))
    }
}
