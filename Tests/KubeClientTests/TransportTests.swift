import Foundation
import KratixTestSupport
import KubeAPIServer
import KubeClient
import KubeModel
import Testing

@Suite struct TransportTests {
    @Test func connectionRefusedIsATransportErrorNamingHostAndPort() async throws {
        var configuration = ClientConfiguration(server: "https://127.0.0.1:1", credentials: .bearerToken("tok"))
        configuration.maxRetries = 1
        try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
            await #expect {
                try await client.get(.namespaces, name: "default")
            } throws: { error in
                guard case .transport(let message) = error as? ClientError else { return false }
                return message.contains("127.0.0.1:1") && message.contains("connection refused") && !message.contains("tok")
            }
        }
    }

    @Test func untrustedServerCertificateFailsAndInsecureSkipAccepts() async throws {
        try await TestAPIServer.with(tls: true) { server in
            let untrusted = ClientConfiguration(server: server.url, credentials: .bearerToken(server.token ?? ""))
            try await using(try KubeClient(configuration: untrusted, logger: quietLogger)) { client in
                await #expect {
                    try await client.get(.namespaces, name: "default")
                } throws: { error in
                    guard case .transport(let message) = error as? ClientError else { return false }
                    return message.contains("TLS") && message.contains("127.0.0.1")
                }
            }
            var insecure = untrusted
            insecure.tls.insecureSkipTLSVerify = true
            try await using(try KubeClient(configuration: insecure, logger: quietLogger)) { client in
                let namespace = try await client.get(.namespaces, name: "default")
                #expect(namespace.name == "default")
            }
        }
    }

    @Test func serverNameIsVerifiedInsteadOfTheAddress() async throws {
        try await CustomServer.with(hosts: ["kube.kratix.test"]) { server in
            var configuration = ClientConfiguration(
                server: server.url, tls: TLSSettings(caPEM: server.credentials.caCertificatePEM), credentials: .bearerToken(server.credentials.token))
            configuration.maxRetries = 0
            // The certificate names kube.kratix.test, not 127.0.0.1.
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                await #expect(throws: ClientError.self) { try await client.get(.namespaces, name: "default") }
            }
            configuration.tls.serverName = "kube.kratix.test"
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                let namespace = try await client.get(.namespaces, name: "default")
                #expect(namespace.name == "default")
            }
        }
    }

    @Test func clientSideRateLimit() async throws {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = ClientConfiguration(server: server.url, tls: TLSSettings(caPEM: server.caCertificatePEM), credentials: .bearerToken(server.token ?? ""))
            configuration.qps = 10
            configuration.burst = 2
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                let elapsed = try await ContinuousClock().measure {
                    for _ in 0..<6 { _ = try await client.get(.namespaces, name: "default") }
                }
                // Two from the burst, then four at 100 ms each.
                #expect(elapsed >= .milliseconds(380))
            }
        }
    }

    @Test func configurationWarningsAreLogged() async throws {
        let capture = LogCapture()
        let text = "current-context: c\nclusters: [{name: k, cluster: {server: \"https://k\", proxy-url: \"http://proxy:3128\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n"
        let configuration = try Kubeconfig.parse(text, file: "/etc/kubeconfig").configuration()
        try await using(try KubeClient(configuration: configuration, logger: capture.logger())) { _ in }
        #expect(capture.all.contains { $0.hasPrefix("warning") && $0.contains("proxy-url is not supported and is ignored") })
    }

    @Test func invalidConfigurationIsReported() throws {
        #expect(throws: ClientError.self) { try KubeClient(configuration: ClientConfiguration(server: "not a url")) }
        let certificate = try ServerCredentials.generate(hosts: ["client"]).certificatePEM
        #expect {
            try KubeClient(configuration: ClientConfiguration(server: "https://k", tls: TLSSettings(caPEM: "garbage")))
        } throws: { error in
            "\(error)".contains("certificate authority")
        }
        #expect {
            try KubeClient(configuration: ClientConfiguration(server: "https://k", tls: TLSSettings(clientCertificatePEM: certificate, clientKeyPEM: "SECRET-KEY-TEXT")))
        } throws: { error in
            "\(error)".contains("client key: not a PEM private key") && !"\(error)".contains("SECRET-KEY-TEXT")
        }
    }

    @Test func tokenFileCredentialsAgainstTheServer() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try await TestAPIServer.with(tls: true) { server in
            let tokenPath = try dir.write("token", "stale-token\n")
            var configuration = ClientConfiguration(server: server.url, tls: TLSSettings(caPEM: server.caCertificatePEM), credentials: .tokenFile(tokenPath))
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                await #expect {
                    try await client.get(.namespaces, name: "default")
                } throws: { error in
                    if case .unauthorized = error as? ClientError { return true }
                    return false
                }
                // The kubelet rotates the token: the next request uses the new one.
                try dir.write("token", (server.token ?? "") + "\n")
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: tokenPath)
                #expect(try await client.get(.namespaces, name: "default").name == "default")
            }
        }
    }

    @Test func execPluginAgainstTheServer() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        try await TestAPIServer.with(tls: true) { server in
            let kubeconfig = try plugin.dir.write("kubeconfig", execKubeconfig(server: server, plugin: plugin, badRun: ""))
            var configuration = try ClientConfiguration.fromKubeconfig(path: kubeconfig)
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                for _ in 0..<3 {
                    let namespace = try await client.get(.namespaces, name: "default")
                    #expect(namespace.name == "default")
                }
            }
            #expect(plugin.runs == 1)
        }
    }

    @Test func execPluginRunsAgainOnceAfter401() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        try await TestAPIServer.with(tls: true) { server in
            // The first run prints a token the server rejects; the second a good one.
            let kubeconfig = try plugin.dir.write("kubeconfig", execKubeconfig(server: server, plugin: plugin, badRun: "1"))
            var configuration = try ClientConfiguration.fromKubeconfig(path: kubeconfig)
            configuration.qps = 0
            try await using(try KubeClient(configuration: configuration, logger: quietLogger)) { client in
                let namespace = try await client.get(.namespaces, name: "default")
                #expect(namespace.name == "default")
            }
            #expect(plugin.runs == 2)
        }
    }
}

/// A kubeconfig for `server` whose user runs the fake plugin (v1), printing the server's token.
func execKubeconfig(server: TestAPIServer, plugin: FakePlugin, badRun: String) -> String {
    let config = plugin.config(token: server.token ?? "", expiry: RFC3339Text.hourFromNow, badRun: badRun, provideClusterInfo: true)
    let env = config.env.map { "        - {name: \($0.name), value: \"\($0.value)\"}" }.joined(separator: "\n")
    return """
        apiVersion: v1
        kind: Config
        current-context: exec
        clusters:
        - name: test
          cluster:
            server: \(server.url)
            certificate-authority-data: \(Data((server.caCertificatePEM ?? "").utf8).base64EncodedString())
        users:
        - name: exec
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./plugin.sh
              args: [get-token]
              interactiveMode: Never
              provideClusterInfo: true
              env:
        \(env)
        contexts:
        - name: exec
          context: {cluster: test, user: exec}
        """
}

enum RFC3339Text {
    static var hourFromNow: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date().addingTimeInterval(3600))
    }
}
