import KubeModel
import Testing

@testable import KubeAPIServer

/// Upstream RBAC semantics, decision by decision, on hand-made snapshots.
@Suite struct RBACAuthorizerTests {
    static let pipeline = UserInfo.serviceAccount(namespace: "x", name: "sa")

    static func object(_ yaml: String) -> JSONObject {
        guard let value = try? YAMLReader.singleDocument(in: yaml), case .object(let o) = value else {
            Issue.record("bad test YAML: \(yaml)")
            return [:]
        }
        return o
    }

    static func role(_ name: String, namespace: String? = nil, rules: String) -> JSONObject {
        object("""
            metadata: {name: \(name)\(namespace.map { ", namespace: \($0)" } ?? "")}
            rules: \(rules)
            """)
    }

    static func binding(_ name: String, namespace: String? = nil, roleKind: String, role: String, subjects: String) -> JSONObject {
        object("""
            metadata: {name: \(name)\(namespace.map { ", namespace: \($0)" } ?? "")}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: \(roleKind), name: \(role)}
            subjects: \(subjects)
            """)
    }

    static let saSubject = "[{kind: ServiceAccount, name: sa, namespace: x}]"

    func allowed(_ authorizer: RBACAuthorizer, _ user: UserInfo, _ attributes: AuthorizationAttributes) -> Bool {
        authorizer.authorize(user, attributes).allowed
    }

    /// As the pipeline's service account `x/sa`.
    func allowed(_ authorizer: RBACAuthorizer, _ attributes: AuthorizationAttributes) -> Bool {
        allowed(authorizer, Self.pipeline, attributes)
    }

    @Test func aRoleBindingGrantsItsRoleInItsNamespaceOnly() {
        let authorizer = RBACAuthorizer(
            roles: [Self.role("reader", namespace: "x", rules: #"[{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]"#)],
            roleBindings: [Self.binding("reader", namespace: "x", roleKind: "Role", role: "reader", subjects: Self.saSubject)])
        #expect(allowed(authorizer, .resource(verb: "get", resource: "configmaps", namespace: "x", name: "a")))
        #expect(allowed(authorizer, .resource(verb: "list", resource: "configmaps", namespace: "x")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "configmaps", namespace: "y", name: "a")))
        #expect(!allowed(authorizer, .resource(verb: "list", resource: "configmaps")), "cluster-wide list")
        #expect(!allowed(authorizer, .resource(verb: "delete", resource: "configmaps", namespace: "x", name: "a")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "secrets", namespace: "x", name: "a")))
        #expect(!allowed(authorizer, .resource(verb: "get", group: "apps", resource: "configmaps", namespace: "x", name: "a")))
        // Another service account, even of the same name elsewhere, gets nothing.
        #expect(!allowed(authorizer, .serviceAccount(namespace: "y", name: "sa"), .resource(verb: "get", resource: "configmaps", namespace: "x", name: "a")))
        let decision = authorizer.authorize(Self.pipeline, .resource(verb: "get", resource: "configmaps", namespace: "x", name: "a"))
        #expect(decision.reason == #"RBAC: allowed by RoleBinding "x/reader" of Role "reader" to ServiceAccount "sa/x""#)
    }

    @Test func resourceNamesRestrictRequestsThatNameAnObject() {
        let authorizer = RBACAuthorizer(
            roles: [Self.role("one", namespace: "x", rules: #"[{apiGroups: [""], resources: [secrets], verbs: [get, list, create, update], resourceNames: [mine]}]"#)],
            roleBindings: [Self.binding("one", namespace: "x", roleKind: "Role", role: "one", subjects: Self.saSubject)])
        #expect(allowed(authorizer, .resource(verb: "get", resource: "secrets", namespace: "x", name: "mine")))
        #expect(allowed(authorizer, .resource(verb: "update", resource: "secrets", namespace: "x", name: "mine")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "secrets", namespace: "x", name: "other")))
        // Collections have no name, so a rule with resourceNames never grants them.
        #expect(!allowed(authorizer, .resource(verb: "list", resource: "secrets", namespace: "x")))
        #expect(!allowed(authorizer, .resource(verb: "create", resource: "secrets", namespace: "x")))
        // A list narrowed to the name by a field selector is a request for that name.
        #expect(allowed(authorizer, .resource(verb: "list", resource: "secrets", namespace: "x", name: "mine")))
    }

    @Test func aClusterRoleIsNamespacedThroughARoleBindingAndClusterWideThroughAClusterRoleBinding() {
        let authorizer = RBACAuthorizer(
            clusterRoles: [
                Self.role("cm-reader", rules: #"[{apiGroups: [""], resources: [configmaps], verbs: [get]}]"#),
                Self.role("promise-reader", rules: #"[{apiGroups: [platform.kratix.io], resources: [promises], verbs: [get, list]}, {apiGroups: [""], resources: [secrets], verbs: [list]}]"#),
            ],
            roleBindings: [Self.binding("cm", namespace: "default", roleKind: "ClusterRole", role: "cm-reader", subjects: Self.saSubject)],
            clusterRoleBindings: [Self.binding("promises", roleKind: "ClusterRole", role: "promise-reader", subjects: Self.saSubject)])
        #expect(allowed(authorizer, .resource(verb: "get", resource: "configmaps", namespace: "default", name: "a")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "configmaps", namespace: "x", name: "a")))
        #expect(allowed(authorizer, .resource(verb: "list", group: "platform.kratix.io", resource: "promises")))
        #expect(allowed(authorizer, .resource(verb: "get", group: "platform.kratix.io", resource: "promises", name: "p")))
        #expect(allowed(authorizer, .resource(verb: "list", resource: "secrets", namespace: "anywhere")))
        #expect(allowed(authorizer, .resource(verb: "list", resource: "secrets")))
        #expect(!allowed(authorizer, .resource(verb: "delete", group: "platform.kratix.io", resource: "promises", name: "p")))
        let decision = authorizer.authorize(Self.pipeline, .resource(verb: "list", group: "platform.kratix.io", resource: "promises"))
        #expect(decision.reason == #"RBAC: allowed by ClusterRoleBinding "promises" of ClusterRole "promise-reader" to ServiceAccount "sa/x""#)
    }

    @Test func wildcardsAndSubresources() {
        let authorizer = RBACAuthorizer(
            clusterRoles: [
                Self.role("pods", rules: #"[{apiGroups: [""], resources: [pods], verbs: ["*"]}]"#),
                Self.role("logs", rules: #"[{apiGroups: [""], resources: [pods/log], verbs: [get]}]"#),
                Self.role("status", rules: #"[{apiGroups: ["*"], resources: ["*/status"], verbs: [update]}]"#),
                Self.role("apps", rules: #"[{apiGroups: [apps], resources: ["*"], verbs: [list]}]"#),
            ],
            roleBindings: [
                Self.binding("pods", namespace: "a", roleKind: "ClusterRole", role: "pods", subjects: Self.saSubject),
                Self.binding("logs", namespace: "b", roleKind: "ClusterRole", role: "logs", subjects: Self.saSubject),
                Self.binding("status", namespace: "c", roleKind: "ClusterRole", role: "status", subjects: Self.saSubject),
                Self.binding("apps", namespace: "d", roleKind: "ClusterRole", role: "apps", subjects: Self.saSubject),
            ])
        #expect(allowed(authorizer, .resource(verb: "deletecollection", resource: "pods", namespace: "a")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "pods", subresource: "log", namespace: "a", name: "p")), "pods does not grant pods/log")
        #expect(allowed(authorizer, .resource(verb: "get", resource: "pods", subresource: "log", namespace: "b", name: "p")))
        #expect(!allowed(authorizer, .resource(verb: "get", resource: "pods", namespace: "b", name: "p")), "pods/log does not grant pods")
        #expect(allowed(authorizer, .resource(verb: "update", group: "batch", resource: "jobs", subresource: "status", namespace: "c", name: "j")))
        #expect(!allowed(authorizer, .resource(verb: "update", group: "batch", resource: "jobs", namespace: "c", name: "j")))
        #expect(allowed(authorizer, .resource(verb: "list", group: "apps", resource: "deployments", namespace: "d")))
        #expect(!allowed(authorizer, .resource(verb: "list", group: "batch", resource: "jobs", namespace: "d")))
        // `*` as a resource covers subresources too.
        #expect(allowed(authorizer, .resource(verb: "list", group: "apps", resource: "deployments", subresource: "scale", namespace: "d")))
    }

    @Test func subjectsMatchUsersGroupsAndServiceAccounts() {
        let clusterRoles = [Self.role("read", rules: #"[{apiGroups: [""], resources: [configmaps], verbs: [get]}]"#)]
        let authorizer = RBACAuthorizer(
            clusterRoles: clusterRoles,
            roleBindings: [
                Self.binding("user", namespace: "u", roleKind: "ClusterRole", role: "read", subjects: "[{kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}]"),
                Self.binding("group", namespace: "g", roleKind: "ClusterRole", role: "read", subjects: "[{kind: Group, apiGroup: rbac.authorization.k8s.io, name: \"system:serviceaccounts:x\"}]"),
                // No namespace on the subject: the binding's own namespace.
                Self.binding("local-sa", namespace: "x", roleKind: "ClusterRole", role: "read", subjects: "[{kind: ServiceAccount, name: sa}]"),
            ],
            clusterRoleBindings: [
                // A ClusterRoleBinding's service account without a namespace matches nobody.
                Self.binding("nowhere", roleKind: "ClusterRole", role: "read", subjects: "[{kind: ServiceAccount, name: sa}]"),
            ])
        let alice = UserInfo(name: "alice", groups: ["system:authenticated"])
        let get = { (ns: String) in AuthorizationAttributes.resource(verb: "get", resource: "configmaps", namespace: ns, name: "c") }
        #expect(allowed(authorizer, alice, get("u")))
        #expect(!allowed(authorizer, alice, get("g")))
        #expect(allowed(authorizer, get("g")), "the service account is in system:serviceaccounts:x")
        #expect(!allowed(authorizer, .serviceAccount(namespace: "y", name: "sa"), get("g")))
        #expect(allowed(authorizer, get("x")))
        #expect(!allowed(authorizer, get("elsewhere")))
        #expect(Self.pipeline.groups == ["system:serviceaccounts", "system:serviceaccounts:x", "system:authenticated"])
    }

    @Test func nonResourceURLsAndTheBootstrapPolicy() {
        let authorizer = RBACAuthorizer(
            clusterRoles: [Self.role("metrics", rules: #"[{nonResourceURLs: [/metrics, "/logs/*"], verbs: [get]}]"#)],
            clusterRoleBindings: [Self.binding("metrics", roleKind: "ClusterRole", role: "metrics", subjects: "[{kind: User, name: prometheus}]")])
        let prometheus = UserInfo(name: "prometheus", groups: ["system:authenticated"])
        #expect(allowed(authorizer, prometheus, .nonResource(verb: "get", path: "/metrics")))
        #expect(allowed(authorizer, prometheus, .nonResource(verb: "get", path: "/logs/kubelet.log")))
        #expect(!allowed(authorizer, prometheus, .nonResource(verb: "post", path: "/metrics")))
        #expect(!allowed(authorizer, prometheus, .nonResource(verb: "get", path: "/metricsx")))
        // A non-resource rule never grants resources.
        #expect(!allowed(authorizer, prometheus, .resource(verb: "get", resource: "metrics")))
        // Every authenticated user may discover the API and review its own access.
        #expect(allowed(authorizer, .nonResource(verb: "get", path: "/apis")))
        #expect(allowed(authorizer, .nonResource(verb: "get", path: "/apis/platform.kratix.io/v1alpha1")))
        #expect(allowed(authorizer, .nonResource(verb: "get", path: "/openapi/v3")))
        #expect(!allowed(authorizer, .nonResource(verb: "get", path: "/metrics")))
        #expect(allowed(authorizer, .resource(verb: "create", group: "authorization.k8s.io", resource: "selfsubjectaccessreviews")))
        #expect(!allowed(authorizer, .resource(verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews")))
        #expect(!allowed(RBACAuthorizer(bootstrapPolicy: false), .nonResource(verb: "get", path: "/apis")))
    }

    @Test func theAdminIsAllowedEverythingAndMissingRolesAreNamedInTheDenial() {
        let authorizer = RBACAuthorizer(
            roleBindings: [Self.binding("gone", namespace: "x", roleKind: "Role", role: "gone", subjects: Self.saSubject)],
            clusterRoleBindings: [Self.binding("gone", roleKind: "ClusterRole", role: "also-gone", subjects: Self.saSubject)])
        #expect(allowed(authorizer, .admin, .resource(verb: "delete", resource: "namespaces", name: "kube-system")))
        let decision = authorizer.authorize(Self.pipeline, .resource(verb: "get", resource: "configmaps", namespace: "x", name: "c"))
        #expect(!decision.allowed)
        #expect(decision.reason == #"RBAC: [clusterrole.rbac.authorization.k8s.io "also-gone" not found, role.rbac.authorization.k8s.io "gone" not found]"#)
        #expect(authorizer.authorize(.serviceAccount(namespace: "y", name: "other"), .resource(verb: "get", resource: "configmaps", namespace: "x")).reason == "")
    }

    @Test func requestsBecomeAttributesAsUpstreamDerivesThem() {
        func attributes(_ method: String, _ target: String) -> AuthorizationAttributes {
            APIHandler.authorizationAttributes(for: APIRequest(method: method, target: target))
        }
        #expect(attributes("GET", "/api/v1/namespaces/x/configmaps/c") == .resource(verb: "get", version: "v1", resource: "configmaps", namespace: "x", name: "c"))
        #expect(attributes("GET", "/api/v1/namespaces/x/configmaps") == .resource(verb: "list", version: "v1", resource: "configmaps", namespace: "x"))
        #expect(attributes("GET", "/api/v1/namespaces/x/configmaps?watch=true") == .resource(verb: "watch", version: "v1", resource: "configmaps", namespace: "x"))
        #expect(attributes("GET", "/api/v1/namespaces/x/configmaps?fieldSelector=metadata.name%3Dc") == .resource(verb: "list", version: "v1", resource: "configmaps", namespace: "x", name: "c"))
        #expect(attributes("DELETE", "/api/v1/namespaces/x/configmaps") == .resource(verb: "deletecollection", version: "v1", resource: "configmaps", namespace: "x"))
        #expect(attributes("PATCH", "/apis/platform.kratix.io/v1alpha1/promises/p/status") == .resource(verb: "patch", group: "platform.kratix.io", version: "v1alpha1", resource: "promises", subresource: "status", name: "p"))
        #expect(attributes("POST", "/api/v1/namespaces/x/serviceaccounts/sa/token") == .resource(verb: "create", version: "v1", resource: "serviceaccounts", subresource: "token", namespace: "x", name: "sa"))
        #expect(attributes("GET", "/api/v1/namespaces/x") == .resource(verb: "get", version: "v1", resource: "namespaces", namespace: "x", name: "x"))
        #expect(attributes("PUT", "/api/v1/namespaces/x/finalize") == .resource(verb: "update", version: "v1", resource: "namespaces", subresource: "finalize", namespace: "x", name: "x"))
        #expect(attributes("GET", "/api/v1/watch/namespaces/x/pods") == .resource(verb: "watch", version: "v1", resource: "pods", namespace: "x"))
        #expect(attributes("GET", "/apis/apps/v1") == .nonResource(verb: "get", path: "/apis/apps/v1"))
        #expect(attributes("GET", "/api") == .nonResource(verb: "get", path: "/api"))
        #expect(attributes("GET", "/openapi/v3/apis/apps/v1") == .nonResource(verb: "get", path: "/openapi/v3/apis/apps/v1"))
    }

    @Test func theForbiddenStatusIsWordedAsUpstream() {
        let user = Self.pipeline
        var error = AuthorizationAttributes.resource(verb: "get", resource: "configmaps", namespace: "x", name: "c").forbidden(user: user)
        #expect(error.code == 403 && error.reason == "Forbidden")
        #expect(error.message == #"configmaps "c" is forbidden: User "system:serviceaccount:x:sa" cannot get resource "configmaps" in API group "" in the namespace "x""#)
        error = AuthorizationAttributes.resource(verb: "list", group: "platform.kratix.io", resource: "promises").forbidden(user: user)
        #expect(error.message == #"promises.platform.kratix.io is forbidden: User "system:serviceaccount:x:sa" cannot list resource "promises" in API group "platform.kratix.io" at the cluster scope"#)
        error = AuthorizationAttributes.nonResource(verb: "get", path: "/metrics").forbidden(user: user)
        #expect(error.message == #"forbidden: User "system:serviceaccount:x:sa" cannot get path "/metrics""#)
    }
}
