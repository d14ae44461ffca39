import Foundation
import Metrics
import Prometheus

/// The manager's metrics: one Prometheus registry behind a swift-metrics factory that the runtime
/// (and the client, through `MetricsSystem` when bootstrapped) record into, plus the standard
/// `process_*` gauges, refreshed on every scrape.
public struct MetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    private let process: ProcessMetrics

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // controller-runtime's reconcile-time buckets reach 60 s; workflow reconciles can be slow.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        self.registry = registry
        self.factory = factory
        self.process = ProcessMetrics(registry: registry)
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func exposition() -> [UInt8] {
        process.refresh()
        return registry.emitToBuffer()
    }
}

/// `process_*` metrics read from `/proc/self` (Linux), as the Go client exports them.
struct ProcessMetrics: Sendable {
    let residentMemory: Prometheus.Gauge
    let virtualMemory: Prometheus.Gauge
    let cpuSeconds: Prometheus.Gauge
    let openFDs: Prometheus.Gauge
    let maxFDs: Prometheus.Gauge
    let startTime: Prometheus.Gauge

    init(registry: PrometheusCollectorRegistry) {
        residentMemory = registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtualMemory = registry.makeGauge(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        // A counter in Go's client; a gauge here because the value is read, not accumulated.
        cpuSeconds = registry.makeGauge(name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        openFDs = registry.makeGauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maxFDs = registry.makeGauge(name: "process_max_fds", help: "Maximum number of open file descriptors.")
        startTime = registry.makeGauge(name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
        startTime.set(Self.startTime ?? Date().timeIntervalSince1970)
    }

    func refresh() {
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ").compactMap { Double($0) }
            if fields.count >= 2 {
                virtualMemory.set(fields[0] * pageSize)
                residentMemory.set(fields[1] * pageSize)
            }
        }
        if let fields = Self.statFields() {
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            if let utime = Double(fields[11]), let stime = Double(fields[12]), ticks > 0 {
                cpuSeconds.set((utime + stime) / ticks)
            }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFDs.set(Double(entries.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(Double(limit.rlim_cur)) }
    }

    /// `/proc/self/stat` after the command name (field 3 onwards), so indexes are field number − 3.
    static func statFields() -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? fields : nil
    }

    static let startTime: Double? = {
        guard let fields = statFields(), let ticksSinceBoot = Double(fields[19]),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let secondsSinceBoot = Double(uptime.split(separator: " ").first ?? "") else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let boot = Date().timeIntervalSince1970 - secondsSinceBoot
        return boot + ticksSinceBoot / ticks
    }()
}
