import KubeModel

/// The built-in resources Kratix and its runtime use, so callers need no discovery for them.
extension GroupVersionResource {
    public static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    public static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")
    public static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    public static let serviceAccounts = GroupVersionResource(group: "", version: "v1", resource: "serviceaccounts")
    public static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
    public static let events = GroupVersionResource(group: "", version: "v1", resource: "events")
    public static let services = GroupVersionResource(group: "", version: "v1", resource: "services")
    public static let jobs = GroupVersionResource(group: "batch", version: "v1", resource: "jobs")
    public static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")
    public static let roles = GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "roles")
    public static let roleBindings = GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings")
    public static let clusterRoles = GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles")
    public static let clusterRoleBindings = GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings")
    public static let mutatingWebhookConfigurations = GroupVersionResource(
        group: "admissionregistration.k8s.io", version: "v1", resource: "mutatingwebhookconfigurations")
    public static let validatingWebhookConfigurations = GroupVersionResource(
        group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations")
    public static let tokenReviews = GroupVersionResource(group: "authentication.k8s.io", version: "v1", resource: "tokenreviews")
    public static let subjectAccessReviews = GroupVersionResource(group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews")
    public static let customResourceDefinitions = GroupVersionResource(group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions")
}
