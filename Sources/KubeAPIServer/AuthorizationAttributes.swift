import KubeModel

/// What a request asks to do, in the terms RBAC rules are written in: a verb on a resource (group,
/// resource, subresource, namespace, name) or a verb on a non-resource path (`/api`, `/healthz`).
///
/// Built from an HTTP request as upstream's `RequestInfoFactory` does (so a rule grants exactly
/// what it would grant on a real cluster), or from an access review's attributes.
public struct AuthorizationAttributes: Sendable, Equatable {
    public var verb: String
    public var isResourceRequest: Bool
    /// Empty for cluster-scoped resources and non-resource requests.
    public var namespace: String
    public var apiGroup: String
    public var apiVersion: String
    public var resource: String
    public var subresource: String
    /// Empty for collections (list, create, deletecollection).
    public var name: String
    /// The URL path of a non-resource request.
    public var path: String

    public static func resource(
        verb: String, group: String = "", version: String = "", resource: String, subresource: String = "",
        namespace: String = "", name: String = ""
    ) -> AuthorizationAttributes {
        AuthorizationAttributes(verb: verb, isResourceRequest: true, namespace: namespace, apiGroup: group, apiVersion: version,
                                resource: resource, subresource: subresource, name: name, path: "")
    }

    public static func nonResource(verb: String, path: String) -> AuthorizationAttributes {
        AuthorizationAttributes(verb: verb, isResourceRequest: false, namespace: "", apiGroup: "", apiVersion: "",
                                resource: "", subresource: "", name: "", path: path)
    }

    /// `resource/subresource`, the form rules name subresources in.
    public var combinedResource: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }

    /// The 403 the API server answers when `user` may not do this, worded as upstream's
    /// (`configmaps "x" is forbidden: User "…" cannot get resource "configmaps" in API group "" in
    /// the namespace "ns"`), because clients and people match on that text.
    public func forbidden(user: UserInfo, reason: String = "") -> APIError {
        var message: String
        if !isResourceRequest {
            message = "User \"\(user.name)\" cannot \(verb) path \"\(path)\""
        } else if !namespace.isEmpty {
            message = "User \"\(user.name)\" cannot \(verb) resource \"\(combinedResource)\" in API group \"\(apiGroup)\" in the namespace \"\(namespace)\""
        } else {
            message = "User \"\(user.name)\" cannot \(verb) resource \"\(combinedResource)\" in API group \"\(apiGroup)\" at the cluster scope"
        }
        if !reason.isEmpty { message += ": \(reason)" }
        let qualified = !isResourceRequest ? "" : (apiGroup.isEmpty ? resource : "\(resource).\(apiGroup)")
        let full: String
        if qualified.isEmpty {
            full = "forbidden: \(message)"
        } else if name.isEmpty {
            full = "\(qualified) is forbidden: \(message)"
        } else {
            full = "\(qualified) \"\(name)\" is forbidden: \(message)"
        }
        var details: JSONObject = ["group": .string(apiGroup), "kind": .string(resource)]
        if !name.isEmpty { details["name"] = .string(name) }
        return APIError(code: 403, reason: "Forbidden", message: full, details: details)
    }
}
