import Foundation
import KratixTestSupport
import KubeAPIServer
import KubeClient
import KubeModel
import Testing

/// No token, password or key may reach a log line or an error message.
@Suite struct SecretsTests {
    @Test func noSecretInLogsOrErrors() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        var errors: [String] = []
        let password = "hunter2-very-secret-password"
        let wrongToken = "wrong-token-0123456789abcdef"
        // A key whose text must never appear: the body of a real PEM key.
        let clientKey = try ServerCredentials.generate(hosts: ["client"])
        let keyBody = clientKey.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        var serverToken = ""

        try await TestAPIServer.with(tls: true) { server in
            serverToken = server.token ?? ""
            // Bearer token, with a client certificate and key configured too.
            var configuration = ClientConfiguration(
                server: server.url,
                tls: TLSSettings(caPEM: server.caCertificatePEM, clientCertificatePEM: clientKey.certificatePEM, clientKeyPEM: clientKey.privateKeyPEM),
                credentials: .bearerToken(serverToken))
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: logger)) { client in
                _ = try await client.create(.configMaps, configMap("c", data: ["k": "v"]))
                _ = try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: "a!=b"))
                _ = try await client.patch(.configMaps, name: "c", namespace: "default", .merge(["data": ["k": "w"]]))
                for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(timeoutSeconds: 1)) {}
                do {
                    _ = try await client.get(.secrets, name: "missing", namespace: "default")
                } catch {
                    errors.append("\(error)")
                }
                await EventRecorder(client: client, component: "test").record(configMap("c"), type: .normal, reason: "R", message: "m")
            }
            // A rejected token.
            try await using(try makeClient(server, token: wrongToken, logger: logger)) { client in
                do { _ = try await client.get(.namespaces, name: "default") } catch { errors.append("\(error)") }
            }
            // Basic auth (this server only takes tokens, so it fails).
            var basic = ClientConfiguration(server: server.url, tls: TLSSettings(caPEM: server.caCertificatePEM), credentials: .basic(username: "admin", password: password))
            basic.maxRetries = 0
            try await using(try KubeClient(configuration: basic, logger: logger)) { client in
                do { _ = try await client.get(.namespaces, name: "default") } catch { errors.append("\(error)") }
            }
            // An exec plugin that prints the server's token.
            let kubeconfig = try plugin.dir.write("kubeconfig", execKubeconfig(server: server, plugin: plugin, badRun: "1"))
            var exec = try ClientConfiguration.fromKubeconfig(path: kubeconfig)
            exec.qps = 0
            try await using(try KubeClient(configuration: exec, logger: logger)) { client in
                _ = try await client.get(.namespaces, name: "default")
            }
            // An exec plugin that fails.
            var failing = exec
            if case .exec(var plugin) = exec.credentials {
                plugin.env.append(ExecEnvVar(name: "FAIL", value: "1"))
                failing.credentials = .exec(plugin)
            }
            try await using(try KubeClient(configuration: failing, logger: logger)) { client in
                do { _ = try await client.get(.namespaces, name: "default") } catch { errors.append("\(error)") }
            }
        }
        // A connection failure.
        var refused = ClientConfiguration(server: "https://127.0.0.1:1", credentials: .bearerToken(serverToken))
        refused.maxRetries = 0
        try await using(try KubeClient(configuration: refused, logger: logger)) { client in
            do { _ = try await client.get(.namespaces, name: "default") } catch { errors.append("\(error)") }
        }

        let lines = capture.all
        // The capture saw the requests (so an empty capture cannot pass), at debug level with method and path.
        #expect(lines.contains { $0.hasPrefix("debug") && $0.contains("method=POST") && $0.contains("path=/api/v1/namespaces/default/configmaps") })
        #expect(lines.contains { $0.contains("exec credential plugin") })
        #expect(lines.contains { $0.contains("code=401") })
        #expect(errors.count == 5)
        #expect(errors.contains { $0.contains("exit status") })
        #expect(plugin.runs >= 2)

        let secrets = [serverToken, wrongToken, "wrong-token", password, keyBody, String(keyBody.prefix(40)),
                       Data("admin:\(password)".utf8).base64EncodedString()]
        for secret in secrets where !secret.isEmpty {
            for line in lines {
                #expect(!line.contains(secret), "a log line contains a secret: \(line.prefix(120))")
            }
            for error in errors {
                #expect(!error.contains(secret), "an error contains a secret: \(error.prefix(120))")
            }
        }
    }
}
