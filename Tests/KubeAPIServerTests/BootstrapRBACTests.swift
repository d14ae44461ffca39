import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// The real server's default ClusterRoles and bindings, and ClusterRole aggregation, through
/// kubectl with RBAC enforced.
@Suite struct BootstrapRBACTests {
    @Test func theDefaultClusterRolesAreServedWithAggregatedRules() async throws {
        try await TestServer.with(tls: true, authorizationMode: .rbac) { server in
            let listed = try await server.kubectl(["get", "clusterroles", "-o", "name"])
            #expect(listed.status == 0, "\(listed.stderr)")
            for name in ["cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery", "system:public-info-viewer"] {
                #expect(listed.stdout.contains("clusterrole.rbac.authorization.k8s.io/\(name)\n"), "\(name) missing: \(listed.stdout)")
            }
            let bindings = try await server.kubectl(["get", "clusterrolebinding", "cluster-admin", "-o", "jsonpath={.subjects[0].name}"])
            #expect(bindings.stdout == "system:masters", "\(bindings.stderr)")
            // view ⊂ edit ⊂ admin: each aggregated role holds the next one's rules.
            let view = try await rules(of: "view", server)
            let edit = try await rules(of: "edit", server)
            let admin = try await rules(of: "admin", server)
            #expect(!view.isEmpty && view.allSatisfy(edit.contains) && edit.allSatisfy(admin.contains))
            #expect(edit.count > view.count && admin.count > edit.count)
        }
    }

    @Test func aServiceAccountBoundToEditWritesConfigMapsButNotRoles() async throws {
        try await TestServer.with(tls: true, authorizationMode: .rbac) { server in
            for arguments in [["create", "namespace", "team"], ["create", "serviceaccount", "bob", "-n", "team"],
                              ["create", "rolebinding", "bob-edit", "--clusterrole=edit", "--serviceaccount=team:bob", "-n", "team"]] {
                let result = try await server.kubectl(arguments)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
            let token = try await server.kubectl(["create", "token", "bob", "-n", "team"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let configMap = try await server.kubectl(["--token", token, "create", "configmap", "settings", "-n", "team", "--from-literal=a=b"])
            #expect(configMap.status == 0, "\(configMap.stderr)")
            let role = try await server.kubectl(["--token", token, "create", "role", "reader", "--verb=get", "--resource=pods", "-n", "team"])
            #expect(role.status != 0, "\(role.stdout)")
            #expect(role.stderr.contains("roles.rbac.authorization.k8s.io is forbidden: User \"system:serviceaccount:team:bob\" cannot create resource \"roles\""),
                    "\(role.stderr)")
            // Elsewhere the binding does not reach.
            let outside = try await server.kubectl(["--token", token, "create", "configmap", "settings", "-n", "default"])
            #expect(outside.status != 0)
        }
    }

    @Test func aClusterRoleLabelledAggregateToEditExtendsEditAndAdmin() async throws {
        try await TestServer.with(tls: true, authorizationMode: .rbac) { server in
            for arguments in [["create", "namespace", "team"], ["create", "serviceaccount", "bob", "-n", "team"],
                              ["create", "rolebinding", "bob-edit", "--clusterrole=edit", "--serviceaccount=team:bob", "-n", "team"]] {
                #expect(try await server.kubectl(arguments).status == 0)
            }
            let token = try await server.kubectl(["create", "token", "bob", "-n", "team"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let before = try await server.kubectl(["--token", token, "auth", "can-i", "create", "limitranges", "-n", "team"])
            #expect(before.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "\(before.stdout)\(before.stderr)")
            let extension_ = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: limitranges-edit
                  labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
                rules:
                - {apiGroups: [""], resources: [limitranges], verbs: [create, delete]}
                """
            let applied = try await server.kubectl(["apply", "-f", "-"], stdin: extension_)
            #expect(applied.status == 0, "\(applied.stderr)")
            let rule: JSONValue = ["apiGroups": [""], "resources": ["limitranges"], "verbs": ["create", "delete"]]
            #expect(try await rules(of: "edit", server).contains(rule))
            #expect(try await rules(of: "admin", server).contains(rule))
            #expect(!(try await rules(of: "view", server).contains(rule)))
            let after = try await server.kubectl(["--token", token, "auth", "can-i", "create", "limitranges", "-n", "team"])
            #expect(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(after.stdout)\(after.stderr)")
            // Removing the label takes the rule away again.
            #expect(try await server.kubectl(["label", "clusterrole", "limitranges-edit", "rbac.authorization.k8s.io/aggregate-to-edit-"]).status == 0)
            #expect(!(try await rules(of: "edit", server).contains(rule)))
            #expect(!(try await rules(of: "admin", server).contains(rule)))
        }
    }

    private func rules(of clusterRole: String, _ server: TestServer) async throws -> [JSONValue] {
        let result = try await server.kubectl(["get", "clusterrole", clusterRole, "-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout)["rules"]?.arrayValue ?? []
    }
}
