import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Access reviews over HTTP and through `kubectl auth can-i`, impersonation, and RBAC enforcement
/// (opt-in) on service-account tokens.
@Suite(.serialized) struct AccessReviewTests {
    /// Service account `x/sa` may get and list ConfigMaps in `x`, and get the one named `shared` in
    /// `default`; nothing else.
    static let permissions = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: x}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: sa, namespace: x}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: cm-reader, namespace: x}
        rules:
          - apiGroups: [""]
            resources: [configmaps]
            verbs: [get, list]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: cm-reader, namespace: x}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
        subjects: [{kind: ServiceAccount, name: sa, namespace: x}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: shared-reader}
        rules:
          - apiGroups: [""]
            resources: [configmaps]
            verbs: [get]
            resourceNames: [shared]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: shared-reader, namespace: default}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shared-reader}
        subjects: [{kind: ServiceAccount, name: sa, namespace: x}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: mine, namespace: x}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: shared, namespace: default}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: private, namespace: default}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: hidden, namespace: x}
        """

    static func review(_ kind: String, _ spec: String) -> [UInt8] {
        Array(#"{"apiVersion":"authorization.k8s.io/v1","kind":"\#(kind)","spec":\#(spec)}"#.utf8)
    }

    @Test func theHandlerAnswersReviewsForTheRequestsUser() async throws {
        let store = ObjectStore()
        let handler = APIHandler(store: store)
        for document in Self.permissions.components(separatedBy: "\n---\n") {
            let object = try YAMLReader.singleDocument(in: document)
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            let resource = try #require(BuiltinResources.all.first { $0.kind == object["kind"]?.stringValue && $0.group == group })
            let namespace = object[path: ["metadata", "namespace"]]?.stringValue
            let path = (group.isEmpty ? "/api/v1" : "/apis/\(group)/v1") + (namespace.map { "/namespaces/\($0)" } ?? "") + "/\(resource.plural)"
            // The handler reads YAML bodies as well as JSON.
            let created = await handler.handle(APIRequest(method: "POST", target: path, body: Array(document.utf8)))
            #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        }
        let sa = UserInfo.serviceAccount(namespace: "x", name: "sa")
        func review(_ target: String, _ kind: String, _ spec: String, as user: UserInfo? = sa) async throws -> (Int, JSONValue) {
            let response = await handler.handle(APIRequest(method: "POST", target: target, body: Self.review(kind, spec), user: user))
            return (response.status, try JSONParser.parse(response.body))
        }
        let ssar = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
        var (status, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"resourceAttributes":{"namespace":"x","verb":"get","resource":"configmaps"}}"#)
        #expect(status == 201)
        #expect(body["kind"] == "SelfSubjectAccessReview")
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        #expect(body[path: ["status", "reason"]] == #"RBAC: allowed by RoleBinding "x/cm-reader" of Role "cm-reader" to ServiceAccount "sa/x""#)
        #expect(body[path: ["spec", "resourceAttributes", "namespace"]] == "x")
        (_, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"resourceAttributes":{"namespace":"x","verb":"get","resource":"secrets"}}"#)
        #expect(body[path: ["status", "allowed"]] == false, "\(body)")
        (_, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"resourceAttributes":{"namespace":"default","verb":"get","resource":"configmaps","name":"shared"}}"#)
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        (_, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"resourceAttributes":{"namespace":"default","verb":"get","resource":"configmaps","name":"private"}}"#)
        #expect(body[path: ["status", "allowed"]] == false, "\(body)")
        (_, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"nonResourceAttributes":{"verb":"get","path":"/apis"}}"#)
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        // Without a user (a server that does not authenticate), the caller is the admin.
        (_, body) = try await review(ssar, "SelfSubjectAccessReview", #"{"resourceAttributes":{"verb":"delete","resource":"namespaces","name":"x"}}"#, as: nil)
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        // Exactly one kind of attributes.
        (status, body) = try await review(ssar, "SelfSubjectAccessReview", "{}")
        #expect(status == 422, "\(body)")

        // A SubjectAccessReview names its user; a local one is confined to its namespace.
        (status, body) = try await review("/apis/authorization.k8s.io/v1/subjectaccessreviews", "SubjectAccessReview",
                                          #"{"user":"system:serviceaccount:x:sa","groups":["system:serviceaccounts"],"resourceAttributes":{"namespace":"x","verb":"list","resource":"configmaps"}}"#, as: .admin)
        #expect(status == 201)
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        (status, body) = try await review("/apis/authorization.k8s.io/v1/subjectaccessreviews", "SubjectAccessReview",
                                          #"{"resourceAttributes":{"namespace":"x","verb":"list","resource":"configmaps"}}"#, as: .admin)
        #expect(status == 422, "\(body)")
        (status, body) = try await review("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", "LocalSubjectAccessReview",
                                          #"{"user":"system:serviceaccount:x:sa","resourceAttributes":{"verb":"get","resource":"configmaps","name":"shared"}}"#, as: .admin)
        #expect(status == 201)
        #expect(body[path: ["status", "allowed"]] == true, "\(body)")
        #expect(body[path: ["metadata", "namespace"]] == "default")
        // Reviews are not stored: only POST.
        let get = await handler.handle(APIRequest(method: "GET", target: ssar))
        #expect(get.status == 405)

        // With RBAC enforced, the handler's check answers 403 in upstream's words.
        let denied = await handler.authorize(APIRequest(method: "GET", target: "/api/v1/namespaces/x/secrets/hidden"), as: sa)
        #expect(denied?.message == #"secrets "hidden" is forbidden: User "system:serviceaccount:x:sa" cannot get resource "secrets" in API group "" in the namespace "x""#)
        #expect(await handler.authorize(APIRequest(method: "GET", target: "/api/v1/namespaces/x/configmaps/mine"), as: sa) == nil)
        #expect(await handler.authorize(APIRequest(method: "GET", target: "/api/v1/namespaces/x/secrets/hidden"), as: .admin) == nil)
    }

    @Test func kubectlAuthCanIAnswersForImpersonatedServiceAccounts() async throws {
        try await TestServer.with { server in
            var result = try await server.kubectl(["apply", "-f", "-"], stdin: Self.permissions)
            #expect(result.status == 0, "\(result.stderr)")
            func canI(_ arguments: [String]) async throws -> String {
                let result = try await server.kubectl(["auth", "can-i"] + arguments)
                #expect(result.status == (result.stdout.hasPrefix("yes") ? 0 : 1), "\(result.stderr)")
                return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let sa = "--as=system:serviceaccount:x:sa"
            #expect(try await canI(["get", "configmaps", "-n", "x", sa]) == "yes")
            #expect(try await canI(["list", "configmaps", "-n", "x", sa]) == "yes")
            #expect(try await canI(["delete", "configmaps", "-n", "x", sa]) == "no")
            #expect(try await canI(["get", "secrets", "-n", "x", sa]) == "no")
            #expect(try await canI(["get", "configmaps/shared", "-n", "default", sa]) == "yes")
            #expect(try await canI(["get", "configmaps/private", "-n", "default", sa]) == "no")
            #expect(try await canI(["list", "configmaps", "-n", "default", sa]) == "no")
            #expect(try await canI(["get", "configmaps", "-n", "x", "--as=system:serviceaccount:x:other"]) == "no")
            // A group given with --as-group replaces the service account's own groups.
            #expect(try await canI(["get", "configmaps", "-n", "x", "--as=alice", "--as-group=system:masters"]) == "yes")
            // Without --as, the caller is the admin.
            #expect(try await canI(["delete", "namespaces"]) == "yes")

            // Discovery lists the reviews, and a raw SubjectAccessReview is answered over HTTP.
            result = try await server.kubectl(["api-resources", "--api-group=authorization.k8s.io", "-o", "name"])
            #expect(result.stdout.contains("selfsubjectaccessreviews.authorization.k8s.io"), "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("subjectaccessreviews.authorization.k8s.io"), "\(result.stdout)")
            let sar = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:x:sa","resourceAttributes":{"namespace":"x","verb":"get","resource":"secrets"}}}"#
            result = try await server.kubectl(["create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f", "-"], stdin: sar)
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try JSONParser.parse(result.stdout)
            #expect(answer[path: ["status", "allowed"]] == false, "\(result.stdout)")
        }
    }

    /// A service account's own token: reviews answer for it in both modes; requests are checked
    /// only with RBAC enforced (and then impersonation needs a grant too).
    @Test(arguments: [AuthorizationMode.alwaysAllow, .rbac])
    func serviceAccountTokensAreAuthorizedWhenEnforcementIsOn(mode: AuthorizationMode) async throws {
        try await TestServer.with(tls: true, authorizationMode: mode) { server in
            var result = try await server.kubectl(["apply", "-f", "-"], stdin: Self.permissions)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["create", "token", "sa", "-n", "x"])
            #expect(result.status == 0, "\(result.stderr)")
            let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            func asSA(_ arguments: [String]) async throws -> TestServer.Output {
                try await server.kubectl(["--token", token] + arguments)
            }
            result = try await asSA(["auth", "can-i", "get", "configmaps", "-n", "x"])
            #expect(result.stdout == "yes\n", "\(result.stderr)")
            result = try await asSA(["auth", "can-i", "get", "secrets", "-n", "x"])
            #expect(result.stdout == "no\n", "\(result.stderr)")
            result = try await asSA(["get", "configmap", "mine", "-n", "x", "-o", "name"])
            #expect(result.stdout == "configmap/mine\n", "\(result.stderr)")
            result = try await asSA(["get", "configmap", "shared", "-n", "default", "-o", "name"])
            #expect(result.stdout == "configmap/shared\n", "\(result.stderr)")

            let secret = try await asSA(["get", "secret", "hidden", "-n", "x", "-o", "name"])
            let other = try await asSA(["get", "configmap", "private", "-n", "default", "-o", "name"])
            let impersonating = try await asSA(["get", "configmap", "mine", "-n", "x", "--as=alice"])
            // The admin is never refused; impersonating the service account makes its requests the
            // service account's.
            let admin = try await server.kubectl(["get", "secret", "hidden", "-n", "x", "-o", "name"])
            #expect(admin.stdout == "secret/hidden\n", "\(admin.stderr)")
            let adminAsSA = try await server.kubectl(["get", "secret", "hidden", "-n", "x", "--as=system:serviceaccount:x:sa"])
            switch mode {
            case .alwaysAllow:
                #expect(secret.stdout == "secret/hidden\n", "\(secret.stderr)")
                #expect(other.stdout == "configmap/private\n", "\(other.stderr)")
                #expect(impersonating.status == 0, "\(impersonating.stderr)")
                #expect(adminAsSA.status == 0, "\(adminAsSA.stderr)")
            case .rbac:
                #expect(secret.status != 0)
                #expect(secret.stderr.contains(#"Error from server (Forbidden): secrets "hidden" is forbidden: User "system:serviceaccount:x:sa" cannot get resource "secrets" in API group "" in the namespace "x""#), "\(secret.stderr)")
                #expect(other.stderr.contains(#"configmaps "private" is forbidden: User "system:serviceaccount:x:sa" cannot get resource "configmaps" in API group "" in the namespace "default""#), "\(other.stderr)")
                #expect(impersonating.stderr.contains(#"users "alice" is forbidden: User "system:serviceaccount:x:sa" cannot impersonate resource "users" in API group "" at the cluster scope"#), "\(impersonating.stderr)")
                #expect(adminAsSA.stderr.contains("(Forbidden)"), "\(adminAsSA.stderr)")
                let list = try await asSA(["get", "secrets", "-n", "x"])
                #expect(list.stderr.contains(#"secrets is forbidden: User "system:serviceaccount:x:sa" cannot list resource "secrets" in API group "" in the namespace "x""#), "\(list.stderr)")
                // A grant takes effect with the next request.
                result = try await server.kubectl(["create", "rolebinding", "secrets", "-n", "x", "--clusterrole=view-secrets", "--serviceaccount=x:sa"])
                #expect(result.status == 0, "\(result.stderr)")
                result = try await server.kubectl(["create", "clusterrole", "view-secrets", "--verb=get", "--resource=secrets"])
                #expect(result.status == 0, "\(result.stderr)")
                result = try await asSA(["get", "secret", "hidden", "-n", "x", "-o", "name"])
                #expect(result.stdout == "secret/hidden\n", "\(result.stderr)")
            }
        }
    }
}
