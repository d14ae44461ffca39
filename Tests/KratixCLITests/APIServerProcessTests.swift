import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import KratixTestSupport

/// The `kratix apiserver` process as users run it: TLS, token, kubeconfig, durable storage.
@Suite struct APIServerProcessTests {
    /// Starts `kratix apiserver` on a free port and returns the process and its kubeconfig path.
    private func start(dataDir: String, arguments: [String] = []) async throws -> (TestServerProcess, String) {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let server = try TestServerProcess(Support.kratixBinary.path, ["apiserver", "--data-dir", dataDir, "--port", "0"] + arguments,
                                           log: dataDir + ".log")
        // The first line names the URL once the port is bound.
        try await server.waitUntil { server.log.contains("kubeconfig:") }
        return (server, dataDir + "/kubeconfig")
    }

    @Test func aKilledServerLosesNoAcknowledgedWrite() async throws {
        let kubectl = try #require(Support.kubectl)
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-apiserver-proc-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: dataDir)
            try? FileManager.default.removeItem(atPath: dataDir + ".log")
        }
        var (server, kubeconfig) = try await start(dataDir: dataDir)
        var result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "create", "namespace", "durable"])
        #expect(result.status == 0, "\(result.stderr)")
        for i in 0..<5 {
            result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "-n", "durable", "create", "configmap", "cm-\(i)", "--from-literal=i=\(i)"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "-n", "durable", "get", "configmap", "cm-4", "-o", "jsonpath={.metadata.resourceVersion}"])
        let versionBefore = Int(result.stdout) ?? 0
        await server.stop(signal: SIGKILL)

        (server, kubeconfig) = try await start(dataDir: dataDir)
        var failure: (any Error)?
        do {
            result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "-n", "durable", "get", "configmaps", "-o", "jsonpath={.items[*].data.i}"])
            #expect(result.stdout == "0 1 2 3 4", "\(result.stderr)")
            result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "-n", "durable", "create", "configmap", "after-restart"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await Support.run(kubectl, ["--kubeconfig", kubeconfig, "-n", "durable", "get", "configmap", "after-restart", "-o", "jsonpath={.metadata.resourceVersion}"])
            #expect((Int(result.stdout) ?? 0) > versionBefore)
            // The kubeconfig carries a token and a CA: the server speaks TLS.
            let config = try String(contentsOfFile: kubeconfig, encoding: .utf8)
            #expect(config.contains("https://127.0.0.1:") && config.contains("certificate-authority-data") && config.contains("token:"))
        } catch {
            failure = error
        }
        await server.stop(signal: SIGTERM)
        if let failure { throw failure }
    }

    @Test func authorizationModeRBACHoldsServiceAccountTokensToTheirGrants() async throws {
        let kubectl = try #require(Support.kubectl)
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-apiserver-rbac-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: dataDir)
            try? FileManager.default.removeItem(atPath: dataDir + ".log")
        }
        let (server, kubeconfig) = try await start(dataDir: dataDir, arguments: ["--in-memory", "--authorization-mode", "RBAC"])
        var failure: (any Error)?
        do {
            try await exerciseRBAC(kubectl: kubectl, kubeconfig: kubeconfig)
        } catch {
            failure = error
        }
        await server.stop(signal: SIGTERM)
        if let failure { throw failure }

        let wrong = try await Support.run(Support.kratixBinary.path, ["apiserver", "--authorization-mode", "Sometimes", "--in-memory"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("AlwaysAllow, RBAC"), "\(wrong.stderr)")
    }

    private func exerciseRBAC(kubectl: String, kubeconfig: String) async throws {
        let admin = ["--kubeconfig", kubeconfig]
        var result = try await Support.run(kubectl, admin + ["create", "serviceaccount", "pipeline"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["create", "role", "cm-reader", "--verb=get,list", "--resource=configmaps"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["create", "rolebinding", "cm-reader", "--role=cm-reader", "--serviceaccount=default:pipeline"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["create", "token", "pipeline"])
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.status == 0 && !token.isEmpty, "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["--token", token, "get", "configmaps"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["--token", token, "get", "secrets"])
        #expect(result.stderr.contains(#"secrets is forbidden: User "system:serviceaccount:default:pipeline" cannot list resource "secrets""#), "\(result.stderr)")
        result = try await Support.run(kubectl, admin + ["get", "secrets"])
        #expect(result.status == 0, "the admin token is not subject to RBAC: \(result.stderr)")
    }

    /// The image runs Kratix as UID 65532. Every accepted connection of our HTTP listeners (API
    /// server, probes, webhooks) once set TCP_NODELAY at the socket level, which is SO_DEBUG there,
    /// and only root may set that: the first connection to a non-root server took it down.
    @Test func aNonRootServerServesConnections() async throws {
        let kubectl = try #require(Support.kubectl)
        let setpriv = try #require(Support.which("setpriv"), "setpriv (util-linux) runs the server as another user")
        try #require(getuid() == 0, "switching to the image's user needs root (make test runs as root on CI)")
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-apiserver-nonroot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountID: 65532, .groupOwnerAccountID: 65532], ofItemAtPath: dataDir)
        defer {
            try? FileManager.default.removeItem(atPath: dataDir)
            try? FileManager.default.removeItem(atPath: dataDir + ".log")
        }
        let server = try TestServerProcess(setpriv, ["--reuid=65532", "--regid=65532", "--clear-groups", Support.kratixBinary.path,
                                                     "apiserver", "--in-memory", "--data-dir", dataDir, "--port", "0"],
                                           environment: ["HOME": dataDir], log: dataDir + ".log")
        var failure: (any Error)?
        do {
            try await server.waitUntil { server.log.contains("kubeconfig:") }
            for _ in 0..<3 {
                let result = try await Support.run(kubectl, ["--kubeconfig", dataDir + "/kubeconfig", "get", "namespaces", "-o", "name"])
                #expect(result.status == 0, "\(result.stderr) \(server.log)")
                #expect(result.stdout.contains("namespace/default"))
            }
        } catch {
            failure = error
        }
        await server.stop(signal: SIGTERM)
        if let failure { throw failure }
    }
}
