import KubeModel

/// RBAC for the handler's requests: what a request asks to do, and whether its user may.
extension APIHandler {
    /// The authorizer over the RBAC objects stored right now (read per decision, so a binding takes
    /// effect with the next request, as on a real cluster after its informers catch up).
    public func authorizer() async -> RBACAuthorizer {
        func all(_ plural: String) async -> [JSONObject] {
            guard let resource = await store.resource(group: "rbac.authorization.k8s.io", version: "v1", plural: plural) else { return [] }
            return await store.list(resource, filter: WatchFilter()).items
        }
        return RBACAuthorizer(roles: await all("roles"), clusterRoles: await all("clusterroles"),
                              roleBindings: await all("rolebindings"), clusterRoleBindings: await all("clusterrolebindings"))
    }

    /// `nil` when `user` may make `request`; otherwise the 403 to answer.
    public func authorize(_ request: APIRequest, as user: UserInfo) async -> APIError? {
        if user.isSuperuser { return nil }
        let attributes = Self.authorizationAttributes(for: request)
        let decision = await authorizer().authorize(user, attributes)
        return decision.allowed ? nil : attributes.forbidden(user: user, reason: decision.reason)
    }

    /// Upstream's `RequestInfoFactory`: `/api/v1/...` and `/apis/<group>/<version>/...` with at
    /// least a resource are resource requests (verb from the method: `get` becomes `list` or
    /// `watch` without a name, `delete` becomes `deletecollection`; a `metadata.name=` field selector
    /// names the object); anything else is a non-resource request with the method as its verb.
    public static func authorizationAttributes(for request: APIRequest) -> AuthorizationAttributes {
        var parts = request.path.split(separator: "/").map(String.init)
        let method = request.method.uppercased()
        let nonResource = AuthorizationAttributes.nonResource(verb: request.method.lowercased(), path: request.path)
        guard parts.count >= 3, parts[0] == "api" || parts[0] == "apis" else { return nonResource }
        var group = ""
        if parts[0] == "apis" {
            guard parts.count >= 4 else { return nonResource }
            group = parts[1]
            parts.removeFirst(2)
        } else {
            parts.removeFirst()
        }
        let version = parts.removeFirst()
        var verb: String
        if parts.first == "watch" || parts.first == "proxy" {
            guard parts.count >= 2 else { return nonResource }
            verb = parts.removeFirst()
        } else {
            switch method {
            case "POST": verb = "create"
            case "GET", "HEAD": verb = "get"
            case "PUT": verb = "update"
            case "PATCH": verb = "patch"
            case "DELETE": verb = "delete"
            default: verb = ""
            }
        }
        var namespace = ""
        if parts.first == "namespaces", parts.count > 1 {
            namespace = parts[1]
            // `/namespaces/x/status` and `/namespaces/x/finalize` are subresources of namespace x.
            if parts.count > 2, !["status", "finalize"].contains(parts[2]) { parts.removeFirst(2) }
        }
        let resource = parts.first ?? ""
        let name = parts.count >= 2 ? parts[1] : ""
        let subresource = parts.count >= 3 && verb != "proxy" ? parts[2] : ""
        var attributes = AuthorizationAttributes.resource(verb: verb, group: group, version: version, resource: resource,
                                                          subresource: subresource, namespace: namespace, name: name)
        if name.isEmpty, verb == "get" {
            attributes.verb = request.flag("watch") ? "watch" : "list"
            if let selector = request.query["fieldSelector"] {
                for term in selector.split(separator: ",") {
                    for prefix in ["metadata.name==", "metadata.name="] where term.hasPrefix(prefix) {
                        attributes.name = String(term.dropFirst(prefix.count))
                        break
                    }
                    if !attributes.name.isEmpty { break }
                }
            }
        }
        if name.isEmpty, verb == "delete" { attributes.verb = "deletecollection" }
        return attributes
    }
}
