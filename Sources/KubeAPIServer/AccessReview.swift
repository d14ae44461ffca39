import KubeModel

/// `authorization.k8s.io/v1` access reviews: "may this user do this?", answered by the
/// ``RBACAuthorizer`` and never stored. `kubectl auth can-i` creates SelfSubjectAccessReviews
/// (for the caller, or the user it impersonates with `--as`); SubjectAccessReviews name the user and
/// groups in their spec; LocalSubjectAccessReviews are SubjectAccessReviews confined to the
/// namespace in their URL.
///
/// Reviews report what RBAC grants even when the server does not enforce it (the default), so a
/// platform can check its pipelines' permissions before switching enforcement on.
struct AccessReview {
    static let group = "authorization.k8s.io"

    enum Kind: String {
        case selfSubject = "selfsubjectaccessreviews"
        case subject = "subjectaccessreviews"
        case localSubject = "localsubjectaccessreviews"

        var kind: String {
            switch self {
            case .selfSubject: "SelfSubjectAccessReview"
            case .subject: "SubjectAccessReview"
            case .localSubject: "LocalSubjectAccessReview"
            }
        }
    }

    var kind: Kind
    var version: String
    /// The URL's namespace (LocalSubjectAccessReviews only).
    var namespace: String?

    /// The review a path names: `/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
    /// `.../subjectaccessreviews`, `.../namespaces/<ns>/localsubjectaccessreviews`.
    static func parse(path: String) -> AccessReview? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "apis", parts[1] == group, parts[2] == "v1" else { return nil }
        switch parts.count {
        case 4:
            guard let kind = Kind(rawValue: parts[3]), kind != .localSubject else { return nil }
            return AccessReview(kind: kind, version: parts[2], namespace: nil)
        case 6 where parts[3] == "namespaces" && parts[5] == Kind.localSubject.rawValue:
            return AccessReview(kind: .localSubject, version: parts[2], namespace: parts[4])
        default:
            return nil
        }
    }

    /// Answers `body` for `caller` (the user of a SelfSubjectAccessReview) with `authorizer`: the
    /// review as sent, with `status.allowed` and `status.reason`.
    func answer(_ body: JSONObject, caller: UserInfo, authorizer: RBACAuthorizer) throws(APIError) -> JSONObject {
        let spec = body["spec"]?.objectValue ?? [:]
        let resourceAttributes = spec["resourceAttributes"]?.objectValue
        let nonResourceAttributes = spec["nonResourceAttributes"]?.objectValue
        guard (resourceAttributes == nil) != (nonResourceAttributes == nil) else {
            throw invalid("spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified")
        }
        func string(_ object: JSONObject?, _ key: String) -> String { object?[key]?.stringValue ?? "" }
        var attributes: AuthorizationAttributes
        if let resourceAttributes {
            attributes = .resource(
                verb: string(resourceAttributes, "verb"), group: string(resourceAttributes, "group"),
                version: string(resourceAttributes, "version"), resource: string(resourceAttributes, "resource"),
                subresource: string(resourceAttributes, "subresource"), namespace: string(resourceAttributes, "namespace"),
                name: string(resourceAttributes, "name"))
        } else {
            attributes = .nonResource(verb: string(nonResourceAttributes, "verb"), path: string(nonResourceAttributes, "path"))
        }
        var echoed = spec
        if kind == .localSubject, let namespace {
            guard resourceAttributes != nil else {
                throw invalid("spec.nonResourceAttributes", "disallowed on this kind of request")
            }
            guard attributes.namespace.isEmpty || attributes.namespace == namespace else {
                throw invalid("spec.resourceAttributes.namespace", "must match metadata.namespace")
            }
            attributes.namespace = namespace
            echoed["resourceAttributes"]?["namespace"] = .string(namespace)
        }
        let user: UserInfo
        switch kind {
        case .selfSubject:
            user = caller
        case .subject, .localSubject:
            let name = string(spec, "user")
            let groups = spec["groups"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard !name.isEmpty || !groups.isEmpty else {
                throw invalid("spec.user", "at least one of user or group must be specified")
            }
            user = UserInfo(name: name, groups: groups)
        }
        let decision = authorizer.authorize(user, attributes)
        var status: JSONObject = ["allowed": .bool(decision.allowed)]
        if !decision.reason.isEmpty { status["reason"] = .string(decision.reason) }
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["creationTimestamp"] = .null
        if let namespace { metadata["namespace"] = .string(namespace) }
        return [
            "kind": .string(kind.kind), "apiVersion": .string("\(Self.group)/\(version)"),
            "metadata": .object(metadata), "spec": .object(echoed), "status": .object(status),
        ]
    }

    private func invalid(_ field: String, _ message: String) -> APIError {
        APIError.invalid(kind: kind.kind, group: Self.group, name: "", causes: [(field, "Invalid value: \(message)")])
    }
}
