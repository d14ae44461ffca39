import Foundation
import KratixAPI
import KubeClient
import KubeModel
import Logging
import Metrics

/// The manager's own identity on one machine, as a Deployment gives it in a cluster: ServiceAccount
/// `kratix-platform-controller-manager` in the platform namespace, bound to a role allowing
/// everything, with a token from the API server. What the API server and the webhooks know of the
/// manager then holds under `kratix dev` too (the PromiseRevision webhook lets the platform's
/// service accounts delete a latest revision, as a Promise's deletion must).
public enum ManagerIdentity {
    public static let serviceAccount = "kratix-platform-controller-manager"
    static let roleName = "kratix-platform-manager-local"
    /// A year: longer than any `kratix dev` session; a restart asks for a new one.
    static let tokenSeconds: Int64 = 365 * 86_400

    /// A client acting as the manager's ServiceAccount, made with `admin` (which must be allowed to
    /// create the account, its role and binding, and a token). Shut it down after use.
    public static func client(admin: KubeClient, configuration: ClientConfiguration, logger: Logger = Logger(label: "kratix.client"),
                              metricsFactory: (any MetricsFactory)? = nil) async throws -> KubeClient {
        let namespace = KratixGroup.systemNamespace
        try await ensure(admin, .serviceAccounts, KubeObject(apiVersion: "v1", kind: "ServiceAccount", name: serviceAccount, namespace: namespace))
        var role = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: roleName)
        role.json["rules"] = [["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]], ["nonResourceURLs": ["*"], "verbs": ["*"]]]
        try await ensure(admin, .clusterRoles, role)
        var binding = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: roleName)
        binding.json["roleRef"] = ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(roleName)]
        binding.json["subjects"] = [["kind": "ServiceAccount", "name": .string(serviceAccount), "namespace": .string(namespace)]]
        try await ensure(admin, .clusterRoleBindings, binding)
        var request = KubeObject(apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", name: serviceAccount, namespace: namespace)
        request.json["spec"] = ["expirationSeconds": .int(tokenSeconds)]
        let issued = try await admin.create(.serviceAccounts, request, namespace: namespace, subresource: "token")
        guard let token = issued.status?["token"]?.stringValue, !token.isEmpty else {
            throw ManagerIdentityError(description: "the API server issued no token for ServiceAccount \(namespace)/\(serviceAccount)")
        }
        var configuration = configuration
        configuration.credentials = .bearerToken(token)
        return try KubeClient(configuration: configuration, logger: logger, metricsFactory: metricsFactory)
    }

    private static func ensure(_ client: KubeClient, _ resource: GroupVersionResource, _ object: KubeObject) async throws {
        guard try await client.getOptional(resource, name: object.name ?? "", namespace: object.namespace) == nil else { return }
        _ = try await client.create(resource, object, namespace: object.namespace)
    }
}

public struct ManagerIdentityError: Error, CustomStringConvertible {
    public var description: String
}
