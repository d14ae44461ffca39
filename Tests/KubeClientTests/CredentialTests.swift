import Foundation
@testable import KubeClient
import KubeModel
import Logging
import Testing

/// A fake exec credential plugin: counts its runs, records its arguments and KUBERNETES_EXEC_INFO,
/// and prints a credential whose token and expiry come from its environment. On the run numbered
/// `$BAD_RUN` it prints a wrong token (to test the re-run after 401).
let fakePluginScript = """
    #!/bin/sh
    n=$(cat "$STATE_DIR/count" 2>/dev/null || echo 0)
    n=$((n + 1))
    echo "$n" > "$STATE_DIR/count"
    printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE_DIR/exec-info"
    printf '%s\\n' "$@" > "$STATE_DIR/args"
    if [ -n "$FAIL" ]; then echo "plugin: not logged in" >&2; exit 3; fi
    token="$TOKEN"
    if [ "$n" = "$BAD_RUN" ]; then token="wrong-token"; fi
    expiry=""
    if [ -n "$EXPIRY" ]; then expiry=",\\"expirationTimestamp\\":\\"$EXPIRY\\""; fi
    printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\\n' "$API_VERSION" "$token" "$expiry"
    """

struct FakePlugin {
    let dir: TemporaryDirectory
    let path: String

    init() throws {
        dir = try TemporaryDirectory()
        path = try dir.write("plugin.sh", fakePluginScript, executable: true)
    }

    func config(token: String, apiVersion: String = "client.authentication.k8s.io/v1", expiry: String = "", badRun: String = "", fail: Bool = false, provideClusterInfo: Bool = false) -> ExecCredentialConfig {
        ExecCredentialConfig(
            apiVersion: apiVersion, command: path, args: ["get-token", "--cluster=test"],
            env: [
                ExecEnvVar(name: "STATE_DIR", value: dir.path), ExecEnvVar(name: "TOKEN", value: token),
                ExecEnvVar(name: "EXPIRY", value: expiry), ExecEnvVar(name: "BAD_RUN", value: badRun),
                ExecEnvVar(name: "API_VERSION", value: apiVersion), ExecEnvVar(name: "FAIL", value: fail ? "1" : ""),
            ],
            provideClusterInfo: provideClusterInfo, interactiveMode: "Never")
    }

    var runs: Int { Int((try? String(contentsOfFile: dir.file("count"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0 }
    var execInfo: String { (try? String(contentsOfFile: dir.file("exec-info"), encoding: .utf8)) ?? "" }
    var args: String { (try? String(contentsOfFile: dir.file("args"), encoding: .utf8)) ?? "" }
}

let testCluster = ExecCredential.ClusterInfo(server: "https://127.0.0.1:6443", caPEM: "CA", insecureSkipTLSVerify: false, serverName: nil)

@Suite struct CredentialTests {
    @Test func execPluginResultIsCachedUntilItExpires() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        let future = RFC3339.format(Date().addingTimeInterval(3600))
        let source = CredentialSource(credentials: .exec(plugin.config(token: "tok-1", expiry: future)), cluster: testCluster, logger: quietLogger)
        for _ in 0..<3 {
            #expect(try await source.authorization().header == "Bearer tok-1")
        }
        #expect(plugin.runs == 1)
        // Concurrent callers share one run.
        await source.invalidate()
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<5 { group.addTask { try await source.authorization().header } }
            for try await header in group { #expect(header == "Bearer tok-1") }
        }
        #expect(plugin.runs == 2)
        #expect(plugin.args == "get-token\n--cluster=test\n")
    }

    @Test func expiredCredentialsRunThePluginAgain() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        let past = RFC3339.format(Date().addingTimeInterval(-5))
        let source = CredentialSource(credentials: .exec(plugin.config(token: "tok", expiry: past)), cluster: testCluster, logger: quietLogger)
        _ = try await source.authorization()
        _ = try await source.authorization()
        #expect(plugin.runs == 2)
        // Without an expiry, the credential is kept until the server rejects it.
        let forever = try FakePlugin()
        defer { forever.dir.cleanup() }
        let kept = CredentialSource(credentials: .exec(forever.config(token: "tok")), cluster: testCluster, logger: quietLogger)
        _ = try await kept.authorization()
        _ = try await kept.authorization()
        #expect(forever.runs == 1)
    }

    @Test func execInfoAndV1beta1() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        let config = plugin.config(token: "beta", apiVersion: "client.authentication.k8s.io/v1beta1", provideClusterInfo: true)
        let source = CredentialSource(credentials: .exec(config), cluster: testCluster, logger: quietLogger)
        #expect(try await source.authorization().header == "Bearer beta")
        let info = try JSONParser.parse(plugin.execInfo)
        #expect(info["apiVersion"] == "client.authentication.k8s.io/v1beta1")
        #expect(info["kind"] == "ExecCredential")
        #expect(info[path: ["spec", "interactive"]] == false)
        #expect(info[path: ["spec", "cluster", "server"]] == "https://127.0.0.1:6443")
        #expect(info[path: ["spec", "cluster", "certificate-authority-data"]] == .string(Data("CA".utf8).base64EncodedString()))
        // Without provideClusterInfo the cluster is not passed.
        let bare = ExecCredential.execInfo(config: plugin.config(token: "x"), cluster: testCluster)
        #expect(try JSONParser.parse(bare)[path: ["spec", "cluster"]] == nil)
    }

    @Test func pluginFailuresAreReadable() async throws {
        let plugin = try FakePlugin()
        defer { plugin.dir.cleanup() }
        let source = CredentialSource(credentials: .exec(plugin.config(token: "never-shown", fail: true)), cluster: testCluster, logger: quietLogger)
        await #expect {
            try await source.authorization()
        } throws: { error in
            let text = "\(error)"
            return text.contains("exit status 3") && text.contains("plugin: not logged in") && text.contains(plugin.path)
        }
        let missing = ExecCredentialConfig(apiVersion: "client.authentication.k8s.io/v1", command: "kratix-no-such-plugin", installHint: "brew install it")
        await #expect {
            try await CredentialSource(credentials: .exec(missing), cluster: testCluster, logger: quietLogger).authorization()
        } throws: { error in
            "\(error)".contains("executable not found") && "\(error)".contains("brew install it")
        }
    }

    @Test func execCredentialParsingIsStrictAndNeverQuotesTheOutput() throws {
        let config = ExecCredentialConfig(apiVersion: "client.authentication.k8s.io/v1", command: "p")
        func parse(_ text: String) -> String {
            do {
                let credential = try ExecCredential.parse(Array(text.utf8), config: config)
                return "ok \(credential.token ?? "") \(credential.expiration.map(RFC3339.format) ?? "")"
            } catch {
                return "\(error)"
            }
        }
        #expect(parse(#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#) == "ok t 2030-01-01T00:00:00Z")
        let wrongVersion = parse(#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"SECRET"}}"#)
        #expect(wrongVersion.contains("apiVersion") && !wrongVersion.contains("SECRET"))
        let garbage = parse("token=SECRET")
        #expect(garbage.contains("not a JSON ExecCredential") && !garbage.contains("SECRET"))
        #expect(parse(#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#).contains("neither a token nor a client certificate"))
        #expect(parse(#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}}"#).contains("expirationTimestamp"))
    }

    @Test func tokenFileIsReReadWhenItChanges() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("token", "first-token\n")
        let source = CredentialSource(credentials: .tokenFile(path), cluster: testCluster, logger: quietLogger)
        #expect(try await source.authorization().header == "Bearer first-token")
        try dir.write("token", "rotated-token-value\n")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: path)
        #expect(try await source.authorization().header == "Bearer rotated-token-value")
        #expect(source.canRefresh)
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: ClientError.self) { try await source.authorization() }
    }

    @Test func staticCredentials() async throws {
        let basic = CredentialSource(credentials: .basic(username: "admin", password: "pw"), cluster: testCluster, logger: quietLogger)
        #expect(try await basic.authorization().header == "Basic \(Data("admin:pw".utf8).base64EncodedString())")
        #expect(!basic.canRefresh)
        #expect(try await CredentialSource(credentials: .none, cluster: testCluster, logger: quietLogger).authorization().header == nil)
    }
}
