import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// RBAC's escalation rules through kubectl, with RBAC enforced: a service account allowed to
/// create Roles and RoleBindings cannot grant itself more than it holds.
@Suite struct RBACEscalationTests {
    /// `limited` may create, update and patch Roles and RoleBindings in `default`, and read ConfigMaps there.
    private func prepare(_ server: TestServer) async throws -> String {
        let setup = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: limited, namespace: default}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: rbac-writer, namespace: default}
            rules:
            - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [create, update, patch, get]}
            - {apiGroups: [""], resources: [configmaps], verbs: [get, list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: limited-rbac-writer, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rbac-writer}
            subjects: [{kind: ServiceAccount, name: limited, namespace: default}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: secret-admin, namespace: default}
            rules: [{apiGroups: [""], resources: [secrets], verbs: ["*"]}]
            """
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: setup)
        #expect(applied.status == 0, "\(applied.stderr)")
        return try await server.kubectl(["create", "token", "limited"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aRoleGrantingWhatItsWriterDoesNotHoldIsRefused() async throws {
        try await TestServer.with(tls: true, authorizationMode: .rbac) { server in
            let token = try await prepare(server)
            let escalating = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: all-secrets, namespace: default}\nrules: [{apiGroups: [\"\"], resources: [secrets], verbs: [\"*\"]}]\n"
            let refused = try await server.kubectl(["--token", token, "create", "-f", "-"], stdin: escalating)
            #expect(refused.status != 0, "\(refused.stdout)")
            #expect(refused.stderr.contains("is attempting to grant RBAC permissions not currently held"), "\(refused.stderr)")
            #expect(refused.stderr.contains(#"{APIGroups:[""], Resources:["secrets"], Verbs:["*"]}"#), "\(refused.stderr)")
            // What it holds, it may grant.
            let held = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: read-configmaps, namespace: default}\nrules: [{apiGroups: [\"\"], resources: [configmaps], verbs: [get]}]\n"
            let allowed = try await server.kubectl(["--token", token, "create", "-f", "-"], stdin: held)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            // With `escalate`, it may grant more.
            #expect(try await server.kubectl(["create", "role", "escalator", "--verb=escalate", "--resource=roles.rbac.authorization.k8s.io"]).status == 0)
            #expect(try await server.kubectl(["create", "rolebinding", "limited-escalator", "--role=escalator", "--serviceaccount=default:limited"]).status == 0)
            let escalated = try await server.kubectl(["--token", token, "create", "-f", "-"], stdin: escalating)
            #expect(escalated.status == 0, "\(escalated.stderr)")
        }
    }

    @Test func bindingARoleItsWriterDoesNotHoldIsRefusedUnlessItMayBindIt() async throws {
        try await TestServer.with(tls: true, authorizationMode: .rbac) { server in
            let token = try await prepare(server)
            let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: grab-secrets, namespace: default}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-admin}\nsubjects: [{kind: ServiceAccount, name: limited, namespace: default}]\n"
            let refused = try await server.kubectl(["--token", token, "create", "-f", "-"], stdin: binding)
            #expect(refused.status != 0 && refused.stderr.contains("is attempting to grant RBAC permissions not currently held"), "\(refused.stderr)")
            let secrets = try await server.kubectl(["--token", token, "get", "secrets"])
            #expect(secrets.status != 0, "still no access to Secrets")
            // `bind` on that one role lets it bind the role.
            #expect(try await server.kubectl(["create", "role", "binder", "--verb=bind", "--resource=roles.rbac.authorization.k8s.io", "--resource-name=secret-admin"]).status == 0)
            #expect(try await server.kubectl(["create", "rolebinding", "limited-binder", "--role=binder", "--serviceaccount=default:limited"]).status == 0)
            let bound = try await server.kubectl(["--token", token, "create", "-f", "-"], stdin: binding)
            #expect(bound.status == 0, "\(bound.stderr)")
        }
    }
}
