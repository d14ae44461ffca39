import Foundation
import KratixTestSupport
import Testing

@testable import KratixCLI

/// `kratix manager` as a process, with the flags upstream's manifests pass (revisions spec §3,
/// scenario 6).
@Suite struct ManagerProcessTests {
    @Test func goStyleBooleansAndZapFlagsParse() throws {
        #expect(GoBoolFlags.normalize(["manager", "--metrics-secure=false", "--leader-elect=true", "--zap-devel=false", "--workers=3"])
            == ["manager", "--no-metrics-secure", "--leader-elect", "--no-zap-devel", "--workers=3"])
        #expect(GoBoolFlags.normalize(["runner", "--metrics-secure=false"]) == ["runner", "--metrics-secure=false"])
        let defaults = try ManagerCommand.parse([])
        #expect(defaults.metricsSecure == true)
        #expect(defaults.pprofBindAddress == ":8082")
        #expect(defaults.kubeAPIQPS == 0 && defaults.kubeAPIBurst == 0)
        let plain = try ManagerCommand.parse(Array(GoBoolFlags.normalize(["manager", "--metrics-secure=false"]).dropFirst()))
        #expect(plain.metricsSecure == false)
        let zap = try ManagerCommand.parse(["--zap-devel", "--zap-log-level", "error", "--zap-encoder", "json", "--zap-time-encoding", "rfc3339"])
        let (format, level) = zap.zap.resolve(format: .json, level: .info)
        #expect(format == .json)
        #expect(level == .error)
        let devel = try ManagerCommand.parse(["--zap-devel"]).zap.resolve(format: .json, level: .info)
        #expect(devel.0 == .text && devel.1 == .debug)
        #expect(ZapOptions.level("3") == .trace)
        #expect(throws: (any Error).self) { try ManagerCommand.parse(["--zap-log-level", "loud"]) }
        #expect(throws: (any Error).self) { try ManagerCommand.parse(["--zap-encoder", "xml"]) }
    }

    /// The manager starts with upstream's client flags, and `/readyz` passes only once its webhook
    /// server serves: at the first 200 the webhook port already answers TLS.
    @Test func managerBecomesReadyOnlyWithItsWebhookServerListening() async throws {
        try await TestAPIServer.with(tls: true) { server in
            let crds = Support.repositoryRoot.appendingPathComponent("manifests/crds").path
            let applied = try await server.kubectl(["apply", "-f", crds])
            #expect(applied.status == 0, "\(applied.stderr)")
            _ = try await server.kubectl(["create", "namespace", "kratix-platform-system"])
            let ports = [TestNetwork.freePort(), TestNetwork.freePort(), TestNetwork.freePort()]
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("manager-\(UUID().uuidString).log").path
            let manager = try TestServerProcess(Support.kratixBinary.path, [
                "manager", "--kubeconfig", server.kubeconfig, "--kube-api-qps", "50", "--kube-api-burst", "100",
                "--metrics-bind-address=127.0.0.1:\(ports[0])", "--health-probe-bind-address=127.0.0.1:\(ports[1])",
                "--webhook-bind-address=127.0.0.1:\(ports[2])", "--metrics-secure=true", "--zap-log-level=info",
                "--pprof-bind-address=:8082",
            ], environment: ["KRATIX_LOGGER_PREFIX": "platform"], log: log)
            do {
                var answers: [Int] = []
                var webhookServedAtReady = false
                // Every answer until the first 200 (or the process ends), and at that moment the webhook port.
                _ = await Polling.until(.seconds(90), every: .milliseconds(100)) {
                    guard manager.isRunning else { return true }
                    let ready = try await TestShell.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(ports[1])/readyz"])
                    let code = Int(ready.stdout) ?? 0
                    answers.append(code)
                    guard code == 200 else { return false }
                    let webhook = try await TestShell.run("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                                   "https://127.0.0.1:\(ports[2])/validate-platform-kratix-io-v1alpha1-promise"])
                    webhookServedAtReady = webhook.stdout == "400"
                    return true
                }
                #expect(answers.last == 200, "readyz answers \(answers), log:\n\(manager.log.suffix(3000))")
                #expect(answers.allSatisfy { $0 == 200 || $0 == 500 || $0 == 0 })
                #expect(webhookServedAtReady)
                // The secure metrics endpoint refuses a caller without a token; the logger names carry the prefix.
                let metrics = try await TestShell.run("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(ports[0])/metrics"])
                #expect(metrics.stdout == "401")
                #expect(manager.log.contains("\"logger\":\"platform.kratix.manager\""))
                #expect(manager.log.contains("pprof is a Go runtime feature"))
            } catch {
                _ = await manager.stop()
                throw error
            }
            // SIGTERM is a graceful shutdown that ends cleanly.
            let ended = await manager.stop(signal: SIGTERM)
            #expect(ended.code == 0, "\(manager.log.suffix(2000))")
        }
    }
}
