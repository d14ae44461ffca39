import KubeModel

/// RBAC's escalation rules, as the real server applies them to writes of the four RBAC kinds
/// (`pkg/registry/rbac/*/policybased`): a Role or ClusterRole may only grant what its writer
/// holds (or the writer may `escalate`), and a binding may only bind a role whose permissions its
/// writer holds (or the writer may `bind` that role). Without them, a service account allowed to
/// create Roles and RoleBindings could grant itself anything.
extension APIHandler {
    /// Throws the 403 for a write of `object` that would grant what the request's user does not hold.
    func preventEscalation(_ request: APIRequest, _ resource: APIResource, namespace: String?, object: JSONObject) async throws(APIError) {
        guard request.enforcesRBAC, let user = request.user, !user.isSuperuser, resource.group == "rbac.authorization.k8s.io" else { return }
        let value = JSONValue.object(object)
        let name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        let namespace = resource.namespaced ? namespace ?? "" : ""
        let authorizer = await authorizer()
        let granted: [RBACAuthorizer.Rule]
        switch resource.plural {
        case "roles", "clusterroles":
            let escalate = AuthorizationAttributes.resource(verb: "escalate", group: resource.group, version: resource.version,
                                                            resource: resource.plural, subresource: "", namespace: namespace, name: name)
            if authorizer.authorize(user, escalate).allowed { return }
            granted = (value["rules"]?.arrayValue ?? []).map(RBACAuthorizer.Rule.init)
        case "rolebindings", "clusterrolebindings":
            let roleKind = value[path: ["roleRef", "kind"]]?.stringValue ?? ""
            let roleName = value[path: ["roleRef", "name"]]?.stringValue ?? ""
            let bind = AuthorizationAttributes.resource(verb: "bind", group: resource.group, version: resource.version,
                                                        resource: roleKind == "Role" ? "roles" : "clusterroles", subresource: "",
                                                        namespace: namespace, name: roleName)
            if authorizer.authorize(user, bind).allowed { return }
            guard let rules = authorizer.rules(referencedBy: roleKind, roleName, namespace: namespace) else {
                throw forbidden(resource, name, "\(roleKind.lowercased()).rbac.authorization.k8s.io \"\(roleName)\" not found")
            }
            granted = rules
        default:
            return
        }
        let missing = RBACAuthorizer.uncovered(granted, by: authorizer.rules(of: user, in: namespace))
        guard !missing.isEmpty else { return }
        let groups = user.groups.map { "\"\($0)\"" }.joined(separator: " ")
        throw forbidden(resource, name, "user \"\(user.name)\" (groups=[\(groups)]) is attempting to grant RBAC permissions not currently held:\n"
            + missing.map(\.compact).joined(separator: "\n"))
    }

    private func forbidden(_ resource: APIResource, _ name: String, _ message: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "\(resource.plural).\(resource.group) \"\(name)\" is forbidden: \(message)")
    }
}
