import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Tokens from `kubectl create token` are bound like the API server's: to their ServiceAccount's
/// uid and, when asked, to a Pod; deleting either makes the token a 401.
@Suite struct BoundTokenTests {
    @Test func aDeletedServiceAccountsTokenGets401() async throws {
        try await TestServer.with(tls: true) { server in
            #expect(try await server.kubectl(["create", "serviceaccount", "robot"]).status == 0)
            let token = try await server.kubectl(["create", "token", "robot"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!token.isEmpty)
            let before = try await server.kubectl(["--token", token, "get", "configmaps"])
            #expect(before.status == 0, "\(before.stderr)")
            #expect(try await server.kubectl(["delete", "serviceaccount", "robot"]).status == 0)
            let after = try await server.kubectl(["--token", token, "get", "configmaps"])
            #expect(after.status != 0 && (after.stderr.contains("Unauthorized") || after.stderr.contains("provide credentials")), "\(after.stderr)")
            // A new ServiceAccount of the same name does not bring the old token back.
            #expect(try await server.kubectl(["create", "serviceaccount", "robot"]).status == 0)
            #expect(try await server.kubectl(["--token", token, "get", "configmaps"]).status != 0)
        }
    }

    @Test func aTokenBoundToAPodDiesWithThePod() async throws {
        try await TestServer.with(tls: true) { server in
            #expect(try await server.kubectl(["create", "serviceaccount", "robot"]).status == 0)
            #expect(try await server.kubectl(["run", "worker", "--image", "busybox", "--restart", "Never"]).status == 0)
            let created = try await server.kubectl(["create", "token", "robot", "--bound-object-kind", "Pod", "--bound-object-name", "worker"])
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(created.status == 0 && !token.isEmpty, "\(created.stderr)")
            #expect(try await server.kubectl(["--token", token, "get", "configmaps"]).status == 0)
            let wrongUID = try await server.kubectl(["create", "token", "robot", "--bound-object-kind", "Pod", "--bound-object-name", "worker",
                                                     "--bound-object-uid", "00000000-0000-0000-0000-000000000000"])
            #expect(wrongUID.status != 0 && wrongUID.stderr.contains("does not match the UID in record"), "\(wrongUID.stderr)")
            #expect(try await server.kubectl(["delete", "pod", "worker", "--grace-period=0", "--force"]).status == 0)
            let after = try await server.kubectl(["--token", token, "get", "configmaps"])
            #expect(after.status != 0, "\(after.stderr)")
        }
    }
}
