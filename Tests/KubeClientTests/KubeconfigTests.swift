import Foundation
@testable import KubeClient
import KubeModel
import Testing

@Suite struct KubeconfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nTUlJQ0FDRVJU\n-----END CERTIFICATE-----\n"
    static let certPEM = "-----BEGIN CERTIFICATE-----\nQ0xJRU5UQ0VSVA==\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN EC PRIVATE KEY-----\nU0VDUkVUS0VZ\n-----END EC PRIVATE KEY-----\n"
    func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    @Test func mergedFilesFirstDefinitionWins() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        // The first file sets no current-context: the second file's is used.
        let first = try dir.write("a/config", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: shared
              cluster: {server: "https://first:6443", insecure-skip-tls-verify: true}
            users:
            - name: shared-user
              user: {token: first-token}
            contexts:
            - name: dev
              context: {cluster: shared, user: shared-user, namespace: dev-ns}
            """)
        let second = try dir.write("b/config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            - name: prod
              cluster: {server: "https://prod:6443"}
            users:
            - name: shared-user
              user: {token: second-token}
            contexts:
            - name: dev
              context: {cluster: prod, user: shared-user}
            - name: prod
              context: {cluster: prod, user: shared-user}
            """)
        let third = try dir.write("c/config", "apiVersion: v1\nkind: Config\ncurrent-context: prod\n")
        let config = try ClientConfiguration.load(environment: ["KUBECONFIG": "\(first):/does/not/exist:\(second):\(third)"])
        // `dev` comes from the first file (its cluster `shared`, also first file's).
        #expect(config.server == "https://first:6443")
        #expect(config.tls.insecureSkipTLSVerify)
        #expect(config.credentials == .bearerToken("first-token"))
        #expect(config.defaultNamespace == "dev-ns")
        // An explicit context overrides current-context; names the first file did not define come from later ones.
        let prod = try ClientConfiguration.load(context: "prod", environment: ["KUBECONFIG": "\(first):\(second)"])
        #expect(prod.server == "https://prod:6443")
        #expect(prod.defaultNamespace == "default")
        // current-context comes from the first file that sets it.
        let merged = try Kubeconfig.load(paths: [third, second])
        #expect(merged.currentContext == "prod")
    }

    @Test func loadOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        func config(_ server: String) -> String {
            "current-context: c\nclusters: [{name: k, cluster: {server: \"\(server)\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n"
        }
        let explicit = try dir.write("explicit", config("https://explicit"))
        let env = try dir.write("env", config("https://env"))
        try dir.write("home/.kube/config", config("https://home"))
        let home = dir.file("home")
        #expect(try ClientConfiguration.load(kubeconfig: explicit, environment: ["KUBECONFIG": env, "HOME": home]).server == "https://explicit")
        #expect(try ClientConfiguration.load(environment: ["KUBECONFIG": env, "HOME": home]).server == "https://env")
        #expect(try ClientConfiguration.load(environment: ["KUBECONFIG": "/missing", "HOME": home]).server == "https://home")
        // Nothing at all, and not in a cluster.
        #expect(throws: ClientError.self) { try ClientConfiguration.load(environment: ["HOME": dir.file("nowhere")]) }
        // An explicit file that does not exist is an error naming it.
        #expect {
            try ClientConfiguration.load(kubeconfig: dir.file("absent"), environment: [:])
        } throws: { error in
            "\(error)".contains(dir.file("absent")) && "\(error)".contains("no such file")
        }
    }

    @Test func certificatesFromFilesRelativeToTheKubeconfig() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try dir.write("conf/certs/ca.crt", Self.caPEM)
        try dir.write("conf/certs/client.crt", Self.certPEM)
        try dir.write("conf/certs/client.key", Self.keyPEM)
        let path = try dir.write("conf/kubeconfig", """
            current-context: c
            clusters:
            - name: k
              cluster:
                server: https://10.0.0.1:6443/
                certificate-authority: certs/ca.crt
                tls-server-name: kubernetes.default.svc
            users:
            - name: u
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
            contexts:
            - name: c
              context: {cluster: k, user: u}
            """)
        let config = try ClientConfiguration.fromKubeconfig(path: path)
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.tls.caPEM == Self.caPEM)
        #expect(config.tls.clientCertificatePEM == Self.certPEM)
        #expect(config.tls.clientKeyPEM == Self.keyPEM)
        #expect(config.tls.serverName == "kubernetes.default.svc")
        #expect(config.credentials == .none)
        // The description never shows the key.
        #expect(!"\(config)".contains("U0VDUkVUS0VZ"))
        #expect("\(config)".contains("client key <redacted>"))
    }

    @Test func inlineData() throws {
        let text = """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://k", certificate-authority-data: \(b64(Self.caPEM))}}]
            users: [{name: u, user: {client-certificate-data: \(b64(Self.certPEM)), client-key-data: \(b64(Self.keyPEM)), token: t0k3n}}]
            contexts: [{name: c, context: {cluster: k, user: u, namespace: ns}}]
            """
        let config = try Kubeconfig.parse(text, file: "/x/config").configuration()
        #expect(config.tls.caPEM == Self.caPEM)
        #expect(config.tls.clientCertificatePEM == Self.certPEM)
        #expect(config.tls.clientKeyPEM == Self.keyPEM)
        #expect(config.credentials == .bearerToken("t0k3n"))
        #expect(config.defaultNamespace == "ns")
        #expect(!"\(config)".contains("t0k3n"))
    }

    @Test func eachAuthKind() throws {
        func credentials(_ user: String) throws -> Credentials {
            let text = """
                current-context: c
                clusters: [{name: k, cluster: {server: "https://k"}}]
                users: [{name: u, user: \(user)}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                """
            return try Kubeconfig.parse(text, file: "/home/me/.kube/config").configuration().credentials
        }
        #expect(try credentials("{token: abc}") == .bearerToken("abc"))
        #expect(try credentials("{tokenFile: tokens/t}") == .tokenFile("/home/me/.kube/tokens/t"))
        #expect(try credentials("{tokenFile: /var/t}") == .tokenFile("/var/t"))
        #expect(try credentials("{username: admin, password: s3cret}") == .basic(username: "admin", password: "s3cret"))
        #expect(try credentials("{}") == .none)
        let exec = try credentials("""
            {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: bin/plugin, args: [get-token, --cluster, x],
                    env: [{name: A, value: "1"}], installHint: "install it", provideClusterInfo: true}}
            """)
        #expect(exec == .exec(ExecCredentialConfig(
            apiVersion: "client.authentication.k8s.io/v1beta1", command: "/home/me/.kube/bin/plugin",
            args: ["get-token", "--cluster", "x"], env: [ExecEnvVar(name: "A", value: "1")], installHint: "install it",
            provideClusterInfo: true)))
        // A bare command is looked up on PATH when run, not resolved against the directory.
        guard case .exec(let bare) = try credentials("{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}") else {
            Issue.record("expected exec")
            return
        }
        #expect(bare.command == "aws")
        #expect(!Credentials.basic(username: "admin", password: "s3cret").description.contains("s3cret"))
        #expect(!Credentials.bearerToken("abc").description.contains("abc"))
    }

    @Test func proxyURLIsIgnoredWithAWarning() throws {
        let text = "current-context: c\nclusters: [{name: k, cluster: {server: \"https://k\", proxy-url: \"http://proxy:3128\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n"
        let config = try Kubeconfig.parse(text, file: "/etc/kubeconfig").configuration()
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("proxy-url") == true)
        #expect(config.warnings.first?.contains("/etc/kubeconfig") == true)
    }

    @Test func errorsNameTheFileAndField() throws {
        func error(_ text: String, context: String? = nil) -> String {
            do {
                _ = try Kubeconfig.parse(text, file: "/cfg").configuration(context: context)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(error("clusters: []") .contains("current-context is not set"))
        #expect(error("current-context: x\ncontexts: [{name: other, context: {cluster: k}}]").contains("context \"x\" not found (defined: other)"))
        // YAML 1.1 makes `y` a boolean, as kubectl reads it.
        #expect(error("contexts: [{name: y, context: {cluster: k}}]").contains("contexts[0].name: expected a non-empty string, found boolean"))
        #expect(error("current-context: c\ncontexts: [{name: c, context: {cluster: k}}]").contains("cluster \"k\""))
        #expect(error("current-context: c\nclusters: [{name: k, cluster: {}}]\ncontexts: [{name: c, context: {cluster: k}}]")
            == "invalid client configuration: kubeconfig /cfg: clusters[\"k\"].cluster.server: required")
        #expect(error("current-context: c\nclusters: [{name: k, cluster: {server: s, certificate-authority-data: \"!!\"}}]\ncontexts: [{name: c, context: {cluster: k}}]")
            .contains("clusters[\"k\"].cluster.certificate-authority-data: not valid base64"))
        #expect(error("current-context: c\nclusters: [{name: k, cluster: {server: s, certificate-authority: missing.crt}}]\ncontexts: [{name: c, context: {cluster: k}}]")
            .contains("clusters[\"k\"].cluster.certificate-authority: cannot read /missing.crt"))
        #expect(error("current-context: c\nclusters: [{name: k, cluster: {server: s}}]\nusers: [{name: u, user: {client-key: /nope.key}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]")
            .contains("users[\"u\"].user.client-key: cannot read /nope.key"))
        #expect(error("current-context: c\nclusters: [{name: k, cluster: {server: s}}]\nusers: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]")
            .contains("is not supported"))
        #expect(error("clusters: [a: b") .contains("/cfg"))
    }

    @Test func inCluster() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try dir.write("sa/token", "in-cluster-token\n")
        try dir.write("sa/ca.crt", Self.caPEM)
        try dir.write("sa/namespace", "kratix-platform-system")
        let env = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let config = try ClientConfiguration.inCluster(environment: env, serviceAccountDirectory: dir.file("sa"))
        #expect(config.server == "https://10.96.0.1:443")
        #expect(config.credentials == .tokenFile(dir.file("sa/token")))
        #expect(config.tls.caPEM == Self.caPEM)
        #expect(config.defaultNamespace == "kratix-platform-system")
        let v6 = try ClientConfiguration.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], serviceAccountDirectory: dir.file("sa"))
        #expect(v6.server == "https://[fd00::1]:6443")
        #expect(throws: ClientError.self) { try ClientConfiguration.inCluster(environment: [:], serviceAccountDirectory: dir.file("sa")) }
        #expect(throws: ClientError.self) { try ClientConfiguration.inCluster(environment: env, serviceAccountDirectory: dir.file("none")) }
    }

    @Test func defaultsMatchClientGo() {
        let config = ClientConfiguration(server: "https://k/")
        #expect(config.server == "https://k")
        #expect(config.qps == 5)
        #expect(config.burst == 10)
        #expect(config.userAgent == "kratix/0.1.0")
        #expect(config.requestTimeout == .seconds(30))
        #expect(config.maxRetries == 3)
        #expect(config.defaultNamespace == "default")
    }
}
