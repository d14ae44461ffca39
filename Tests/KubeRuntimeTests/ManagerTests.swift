import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

@testable import KubeRuntime

@Suite struct ManagerTests {
    /// Fetches a URL's status and body with the client's transport-free path: plain HTTP via curl-less Foundation.
    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func servesProbesAndPrometheusMetricsWithControllerRuntimeNamesAfterAReconcile() async throws {
        try await TestAPIServer.with(tls: true) { server in
            let metrics = MetricsRegistry()
            try await withClient(server, metricsFactory: metrics.factory) { client in
                let manager = Manager(client: client, configuration: .init(metricsBindAddress: "127.0.0.1:0", healthProbeBindAddress: "127.0.0.1:0"),
                                      metrics: metrics)
                let controller = manager.makeController(name: "probe-test") { _, _ in .done }
                await controller.watch(await manager.informers.informer(for: .configMaps, namespace: "default"))
                await manager.add(controller)
                let run = Task { try await manager.run() }
                defer { run.cancel() }
                _ = try await client.create(.configMaps, configMap("one"))
                #expect(await eventually { manager.metricsURL != nil && manager.isReady })
                let health = try #require(manager.healthURL)
                #expect(try await Self.get(health + "/healthz").0 == 200)
                #expect(try await Self.get(health + "/readyz").0 == 200)
                let metricsURL = try #require(manager.metricsURL)
                var text = ""
                #expect(await eventually {
                    text = (try? await Self.get(metricsURL).1) ?? ""
                    return text.contains("controller_runtime_reconcile_total{controller=\"probe-test\",result=\"success\"}")
                })
                let samples = try PrometheusText.parse(text)
                for name in ["controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total",
                             "controller_runtime_reconcile_time_seconds_bucket", "workqueue_depth", "workqueue_adds_total",
                             "workqueue_queue_duration_seconds_bucket", "workqueue_work_duration_seconds_bucket",
                             "workqueue_retries_total", "rest_client_requests_total", "process_resident_memory_bytes", "process_cpu_seconds_total"] {
                    #expect(samples.contains { $0.name == name }, "missing \(name)")
                }
                let reconciled = samples.first { $0.name == "controller_runtime_reconcile_total" && $0.labels["result"] == "success" }
                #expect((reconciled?.value ?? 0) >= 1)
            }
        }
    }
}

/// A strict reader of the Prometheus text format (0.0.4): fails on any line it cannot parse.
enum PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text: \(line)" }
    }

    static func parse(_ text: String) throws -> [Sample] {
        var samples: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            if line.hasPrefix("#") { throw ParseError(line: String(line)) }
            var rest = Substring(line)
            guard let nameEnd = rest.firstIndex(where: { $0 == "{" || $0 == " " }) else { throw ParseError(line: String(line)) }
            let name = String(rest[..<nameEnd])
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }), !name.isEmpty else { throw ParseError(line: String(line)) }
            rest = rest[nameEnd...]
            var labels: [String: String] = [:]
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw ParseError(line: String(line)) }
                let body = rest[rest.index(after: rest.startIndex)..<close]
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else { throw ParseError(line: String(line)) }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                rest = rest[rest.index(after: close)...]
            }
            let fields = rest.split(separator: " ")
            guard let valueText = fields.first, let value = Double(valueText) ?? (valueText == "+Inf" ? .infinity : nil) else {
                throw ParseError(line: String(line))
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        return samples
    }
}
