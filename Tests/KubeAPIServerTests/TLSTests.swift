import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct TLSTests {
    @Test func kubectlTalksTLSWithTheTokenAndAnonymousRequestsAreRejected() async throws {
        try await TestServer.with(tls: true) { server in
            #expect(server.url.hasPrefix("https://"))
            var result = try await server.kubectl(["create", "configmap", "secure"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["get", "configmap", "secure", "-o", "name"])
            #expect(result.stdout == "configmap/secure\n", "\(result.stderr)")
            // Without the token: 401.
            result = try await server.kubectl(["--token", "wrong", "get", "configmaps"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("Unauthorized") || result.stderr.contains("provide credentials"), "\(result.stderr)")
        }
    }

    @Test func credentialsPersistInTheDataDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-creds-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ServerCredentials.loadOrCreate(in: directory)
        let second = try ServerCredentials.loadOrCreate(in: directory)
        #expect(first.token == second.token)
        #expect(first.caCertificatePEM == second.caCertificatePEM)
        #expect(first.token.count == 64)
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/token")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
