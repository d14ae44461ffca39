import KubeRuntime

/// Counter totals read from a `MetricsRegistry`'s Prometheus text exposition, the same text
/// `/metrics` serves, so the figures are the ones an operator would scrape (summed over labels).
struct MetricsSnapshot: Sendable {
    /// Sample values by metric name, summed over every label set.
    private(set) var totals: [String: Double] = [:]
    /// Sample values by metric name and one label's value (`controller` for reconcile counts).
    private(set) var byLabel: [String: [String: Double]] = [:]

    init(_ registry: MetricsRegistry, splitting labels: [String: String] = [:]) {
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            // name{labels} value   or   name value
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = String(series.prefix { $0 != "{" && $0 != " " })
            totals[name, default: 0] += value
            if let label = labels[name], let labelValue = Self.label(label, in: series) {
                byLabel[name, default: [:]][labelValue, default: 0] += value
            }
        }
    }

    func total(_ name: String) -> Double { totals[name] ?? 0 }

    /// What happened between `earlier` and this snapshot.
    func since(_ earlier: MetricsSnapshot) -> MetricsSnapshot {
        var delta = self
        for (name, value) in earlier.totals { delta.totals[name, default: 0] -= value }
        for (name, values) in earlier.byLabel {
            for (labelValue, value) in values { delta.byLabel[name, default: [:]][labelValue, default: 0] -= value }
        }
        return delta
    }

    private static func label(_ label: String, in series: Substring) -> String? {
        guard let range = series.range(of: "\(label)=\"") else { return nil }
        let rest = series[range.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }
}
