import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Synchronization
import Testing

@testable import KubeRuntime

/// `/readyz` with named checks, and `/metrics` served securely (revisions spec §3: the readiness
/// check `webhook`, `--metrics-secure`).
@Suite struct ManagerProbeTests {
    /// Status code and body of `url`, through curl (`-k`: the secure endpoint's certificate is self-signed).
    static func curl(_ url: String, token: String? = nil) async throws -> (Int, String) {
        var arguments = ["-sk", "-w", "\n%{http_code}", url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let output = try await TestShell.run("curl", arguments)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func readyzFailsNamingTheCheckUntilEveryCheckPasses() async throws {
        try await TestAPIServer.with(tls: true) { server in
            try await withClient(server) { client in
                let manager = Manager(client: client, configuration: .init(metricsBindAddress: "0", healthProbeBindAddress: "127.0.0.1:0"))
                let started = Mutex(false)
                manager.addReadinessCheck("webhook") { started.withLock { $0 } }
                let run = Task { try await manager.run() }
                defer { run.cancel() }
                #expect(await eventually { manager.healthURL != nil && manager.isReady })
                let health = try #require(manager.healthURL)
                let (failing, body) = try await Self.curl(health + "/readyz")
                #expect(failing == 500)
                #expect(body == "[+]readyz ok\n[-]webhook failed: reason withheld\nreadyz check failed\n")
                #expect(try await Self.curl(health + "/healthz").0 == 200)
                started.withLock { $0 = true }
                let (passing, ok) = try await Self.curl(health + "/readyz")
                #expect(passing == 200)
                #expect(ok == "ok")
            }
        }
    }

    @Test func secureMetricsNeedATokenThatMayGetThem() async throws {
        try await TestAPIServer.with(tls: true) { server in
            for account in ["reader", "stranger"] {
                _ = try await server.kubectl(["create", "serviceaccount", account, "-n", "default"])
            }
            _ = try await server.kubectl(["create", "clusterrole", "metrics-reader", "--verb=get", "--non-resource-url=/metrics"])
            _ = try await server.kubectl(["create", "clusterrolebinding", "metrics-reader", "--clusterrole=metrics-reader",
                                          "--serviceaccount=default:reader"])
            let reader = try await server.kubectl(["create", "token", "reader", "-n", "default"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let stranger = try await server.kubectl(["create", "token", "stranger", "-n", "default"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await withClient(server) { client in
                let manager = Manager(client: client, configuration: .init(metricsBindAddress: "127.0.0.1:0", healthProbeBindAddress: "127.0.0.1:0",
                                                                           secureMetrics: true))
                let run = Task { try await manager.run() }
                defer { run.cancel() }
                #expect(await eventually { manager.metricsURL != nil })
                let metrics = try #require(manager.metricsURL)
                #expect(metrics.hasPrefix("https://"))
                #expect(try await Self.curl(metrics).0 == 401)
                #expect(try await Self.curl(metrics, token: "not-a-token").0 == 401)
                let (denied, message) = try await Self.curl(metrics, token: stranger)
                #expect(denied == 403)
                #expect(message == "Authorization denied for user system:serviceaccount:default:stranger\n")
                let (allowed, text) = try await Self.curl(metrics, token: reader)
                #expect(allowed == 200)
                #expect(text.contains("process_resident_memory_bytes"))
                // Plain HTTP to the TLS port is no way around it.
                let plain = try await Self.curl(metrics.replacingOccurrences(of: "https://", with: "http://"), token: reader)
                #expect(plain.0 != 200)
                // Health stays plain HTTP on its own port, for the kubelet.
                let health = try #require(manager.healthURL)
                #expect(health.hasPrefix("http://"))
            }
        }
    }
}
