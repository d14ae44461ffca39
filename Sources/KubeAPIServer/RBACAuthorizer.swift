import KubeModel

/// Kubernetes RBAC as a pure function over a snapshot of the stored Roles, ClusterRoles,
/// RoleBindings and ClusterRoleBindings: may `user` do `attributes`?
///
/// The semantics are upstream's (`plugin/pkg/auth/authorizer/rbac`), so that a pipeline's
/// permissions mean here what they mean on a real cluster:
/// - members of `system:masters` may do anything;
/// - ClusterRoleBindings are consulted first, then (for namespaced requests) the RoleBindings of the
///   request's namespace; a RoleBinding may reference a Role of its namespace or a ClusterRole,
///   whose rules then apply in that namespace only;
/// - subjects are Users (by name), Groups (by the user's groups) and ServiceAccounts (the user
///   `system:serviceaccount:<ns>:<name>`; a RoleBinding's subject without a namespace means the
///   binding's namespace);
/// - a rule matches when the verb, the API group, the resource (`*`, `resource`,
///   `resource/subresource` or `*/subresource`) and, if it lists any, the resource name match; or,
///   for a non-resource request, the verb and a `nonResourceURLs` entry (`*`, exact, or a prefix
///   ending in `*`);
/// - a reference to a missing role grants nothing and is named in the denial's reason.
/// Aggregated ClusterRoles are not expanded (their stored `rules` are used as they are).
///
/// Upstream's bootstrap policy for authenticated users (discovery, health and version paths, and
/// creating SelfSubjectAccessReviews) is built in, as on a fresh cluster, unless a stored
/// ClusterRole or ClusterRoleBinding of the same name replaces it.
public struct RBACAuthorizer: Sendable {
    /// The answer, with upstream's reason text (`RBAC: allowed by RoleBinding "ns/name" of Role
    /// "role" to ServiceAccount "sa/ns"`), which `kubectl auth can-i` prints on a denial.
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        public var reason: String
    }

    /// One PolicyRule.
    struct Rule: Sendable, Equatable {
        var verbs: [String]
        var apiGroups: [String]
        var resources: [String]
        var resourceNames: [String]
        var nonResourceURLs: [String]

        init(verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [], nonResourceURLs: [String] = []) {
            self.verbs = verbs
            self.apiGroups = apiGroups
            self.resources = resources
            self.resourceNames = resourceNames
            self.nonResourceURLs = nonResourceURLs
        }

        init(_ json: JSONValue) {
            func strings(_ key: String) -> [String] { json[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            self.init(verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
                      resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"))
        }

        /// The rule split into rules of one verb and one group, resource, name or URL each.
        func atoms() -> [Rule] {
            var out: [Rule] = []
            for verb in verbs {
                for url in nonResourceURLs { out.append(Rule(verbs: [verb], nonResourceURLs: [url])) }
                for group in apiGroups {
                    for resource in resources {
                        if resourceNames.isEmpty {
                            out.append(Rule(verbs: [verb], apiGroups: [group], resources: [resource]))
                        } else {
                            for name in resourceNames {
                                out.append(Rule(verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name]))
                            }
                        }
                    }
                }
            }
            return out
        }

        /// Whether this (held) rule covers `atom`, one verb on one thing: whether it allows the
        /// request the atom describes (a granted wildcard is then matched only by a held one).
        func covers(_ atom: Rule) -> Bool {
            guard let verb = atom.verbs.first else { return false }
            if let url = atom.nonResourceURLs.first { return allows(.nonResource(verb: verb, path: url)) }
            guard let group = atom.apiGroups.first, let resource = atom.resources.first else { return false }
            let parts = resource.split(separator: "/", maxSplits: 1).map(String.init)
            return allows(.resource(verb: verb, group: group, resource: parts[0], subresource: parts.count > 1 ? parts[1] : "",
                                    name: atom.resourceNames.first ?? ""))
        }

        /// Upstream's `CompactString`: `{APIGroups:[""], Resources:["secrets"], Verbs:["*"]}`.
        var compact: String {
            func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: " ") + "]" }
            var parts: [String] = []
            if !apiGroups.isEmpty { parts.append("APIGroups:\(list(apiGroups))") }
            if !resources.isEmpty { parts.append("Resources:\(list(resources))") }
            if !resourceNames.isEmpty { parts.append("ResourceNames:\(list(resourceNames))") }
            if !nonResourceURLs.isEmpty { parts.append("NonResourceURLs:\(list(nonResourceURLs))") }
            parts.append("Verbs:\(list(verbs))")
            return "{" + parts.joined(separator: ", ") + "}"
        }

        func allows(_ attributes: AuthorizationAttributes) -> Bool {
            guard verbs.contains("*") || verbs.contains(attributes.verb) else { return false }
            guard attributes.isResourceRequest else {
                return nonResourceURLs.contains { url in
                    if url == "*" || url == attributes.path { return true }
                    guard url.hasSuffix("*") else { return false }
                    var prefix = Substring(url)
                    while prefix.hasSuffix("*") { prefix = prefix.dropLast() }
                    return attributes.path.hasPrefix(prefix)
                }
            }
            guard apiGroups.contains("*") || apiGroups.contains(attributes.apiGroup) else { return false }
            let combined = attributes.combinedResource
            let resourceMatches = resources.contains { resource in
                if resource == "*" || resource == combined { return true }
                // `*/status` grants every resource's status; `pods/*` grants nothing special upstream.
                return !attributes.subresource.isEmpty && resource == "*/\(attributes.subresource)"
            }
            guard resourceMatches else { return false }
            return resourceNames.isEmpty || (!attributes.name.isEmpty && resourceNames.contains(attributes.name))
        }
    }

    struct Subject: Sendable, Equatable {
        var kind: String
        var name: String
        var namespace: String

        /// `bindingNamespace` is empty for ClusterRoleBindings.
        func applies(to user: UserInfo, bindingNamespace: String) -> Bool {
            switch kind {
            case "User": return user.name == name
            case "Group": return user.groups.contains(name)
            case "ServiceAccount":
                let saNamespace = namespace.isEmpty ? bindingNamespace : namespace
                guard !saNamespace.isEmpty else { return false }
                return user.name == "\(UserInfo.serviceAccountPrefix)\(saNamespace):\(name)"
            default: return false
            }
        }

        /// As upstream describes it in reasons: `ServiceAccount "sa/ns"`, `Group "g"`.
        func describe(bindingNamespace: String) -> String {
            guard kind == "ServiceAccount" else { return "\(kind) \"\(name)\"" }
            return "\(kind) \"\(name)/\(namespace.isEmpty ? bindingNamespace : namespace)\""
        }
    }

    struct Binding: Sendable, Equatable {
        /// `RoleBinding` or `ClusterRoleBinding`.
        var kind: String
        var name: String
        /// Empty for ClusterRoleBindings.
        var namespace: String
        var roleKind: String
        var roleName: String
        var subjects: [Subject]

        init(kind: String, name: String, namespace: String, roleKind: String, roleName: String, subjects: [Subject]) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.roleKind = roleKind
            self.roleName = roleName
            self.subjects = subjects
        }

        init(kind: String, _ object: JSONObject) {
            let json = JSONValue.object(object)
            let namespace = kind == "RoleBinding" ? json[path: ["metadata", "namespace"]]?.stringValue ?? "" : ""
            self.init(
                kind: kind, name: json[path: ["metadata", "name"]]?.stringValue ?? "", namespace: namespace,
                roleKind: json[path: ["roleRef", "kind"]]?.stringValue ?? "", roleName: json[path: ["roleRef", "name"]]?.stringValue ?? "",
                subjects: (json["subjects"]?.arrayValue ?? []).map {
                    Subject(kind: $0["kind"]?.stringValue ?? "", name: $0["name"]?.stringValue ?? "", namespace: $0["namespace"]?.stringValue ?? "")
                })
        }

        var described: String { namespace.isEmpty ? "\(kind) \"\(name)\"" : "\(kind) \"\(namespace)/\(name)\"" }
    }

    private var roles: [String: [Rule]] = [:]  // by "namespace/name"
    private var clusterRoles: [String: [Rule]] = [:]
    private var roleBindingsByNamespace: [String: [Binding]] = [:]
    private var clusterRoleBindings: [Binding] = []

    /// A snapshot of the four kinds, as stored objects (`rules`, `roleRef`, `subjects`).
    public init(roles: [JSONObject] = [], clusterRoles: [JSONObject] = [], roleBindings: [JSONObject] = [],
                clusterRoleBindings: [JSONObject] = [], bootstrapPolicy: Bool = true) {
        func name(_ o: JSONObject) -> String { o["metadata"]?["name"]?.stringValue ?? "" }
        func rules(_ o: JSONObject) -> [Rule] { (o["rules"]?.arrayValue ?? []).map(Rule.init) }
        if bootstrapPolicy {
            for (roleName, rules) in Self.bootstrapClusterRoles { self.clusterRoles[roleName] = rules }
            self.clusterRoleBindings = Self.bootstrapClusterRoleBindings
        }
        for role in roles {
            let namespace = role["metadata"]?["namespace"]?.stringValue ?? ""
            self.roles["\(namespace)/\(name(role))"] = rules(role)
        }
        for role in clusterRoles { self.clusterRoles[name(role)] = rules(role) }
        for object in roleBindings {
            let binding = Binding(kind: "RoleBinding", object)
            roleBindingsByNamespace[binding.namespace, default: []].append(binding)
        }
        let stored = clusterRoleBindings.map { Binding(kind: "ClusterRoleBinding", $0) }
        let storedNames = Set(stored.map(\.name))
        self.clusterRoleBindings.removeAll { storedNames.contains($0.name) }
        self.clusterRoleBindings += stored
    }

    public func authorize(_ user: UserInfo, _ attributes: AuthorizationAttributes) -> Decision {
        if user.isSuperuser { return Decision(allowed: true, reason: "") }
        var errors: [String] = []
        for binding in clusterRoleBindings {
            if let reason = allows(binding, user, attributes, errors: &errors) { return Decision(allowed: true, reason: reason) }
        }
        if !attributes.namespace.isEmpty {
            for binding in roleBindingsByNamespace[attributes.namespace] ?? [] {
                if let reason = allows(binding, user, attributes, errors: &errors) { return Decision(allowed: true, reason: reason) }
            }
        }
        switch errors.count {
        case 0: return Decision(allowed: false, reason: "")
        case 1: return Decision(allowed: false, reason: "RBAC: \(errors[0])")
        default: return Decision(allowed: false, reason: "RBAC: [\(errors.joined(separator: ", "))]")
        }
    }

    /// The reason text when `binding` grants `attributes` to `user`.
    private func allows(_ binding: Binding, _ user: UserInfo, _ attributes: AuthorizationAttributes, errors: inout [String]) -> String? {
        guard let subject = binding.subjects.first(where: { $0.applies(to: user, bindingNamespace: binding.namespace) }) else { return nil }
        guard let rules = rules(referencedBy: binding.roleKind, binding.roleName, namespace: binding.namespace) else {
            switch (binding.kind, binding.roleKind) {
            case ("RoleBinding", "Role"): errors.append("role.rbac.authorization.k8s.io \"\(binding.roleName)\" not found")
            case (_, "ClusterRole"): errors.append("clusterrole.rbac.authorization.k8s.io \"\(binding.roleName)\" not found")
            default: break  // a ClusterRoleBinding cannot reference a Role
            }
            return nil
        }
        guard rules.contains(where: { $0.allows(attributes) }) else { return nil }
        return "RBAC: allowed by \(binding.described) of \(binding.roleKind) \"\(binding.roleName)\" to \(subject.describe(bindingNamespace: binding.namespace))"
    }

    // MARK: Escalation

    /// Every rule `user` holds in `namespace` ("" for cluster-wide rules only): from the
    /// ClusterRoleBindings, and the namespace's RoleBindings. (Superusers hold everything.)
    func rules(of user: UserInfo, in namespace: String) -> [Rule] {
        if user.isSuperuser { return [Rule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]), Rule(verbs: ["*"], nonResourceURLs: ["*"])] }
        var held: [Rule] = []
        let bindings = clusterRoleBindings + (namespace.isEmpty ? [] : roleBindingsByNamespace[namespace] ?? [])
        for binding in bindings where binding.subjects.contains(where: { $0.applies(to: user, bindingNamespace: binding.namespace) }) {
            held += rules(referencedBy: binding.roleKind, binding.roleName, namespace: binding.namespace) ?? []
        }
        return held
    }

    /// The rules of the role a binding in `namespace` references, nil when it does not exist.
    func rules(referencedBy roleKind: String, _ roleName: String, namespace: String) -> [Rule]? {
        switch roleKind {
        case "Role": return namespace.isEmpty ? nil : roles["\(namespace)/\(roleName)"]
        case "ClusterRole": return clusterRoles[roleName]
        default: return nil
        }
    }

    /// The parts of `granted` that `held` does not cover, each as one verb on one resource (or
    /// URL), as upstream's `validation.Covers` compares them: a held wildcard covers anything, a
    /// granted wildcard only a held wildcard.
    static func uncovered(_ granted: [Rule], by held: [Rule]) -> [Rule] {
        var missing: [Rule] = []
        for rule in granted {
            for atom in rule.atoms() where !held.contains(where: { $0.covers(atom) }) {
                missing.append(atom)
            }
        }
        return missing
    }

    // MARK: Bootstrap policy

    static let bootstrapClusterRoles: [(String, [Rule])] = [
        ("system:discovery", [Rule(verbs: ["get"], nonResourceURLs: [
            "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/",
        ])]),
        ("system:basic-user", [
            Rule(verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
        ]),
        ("system:public-info-viewer", [Rule(verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"])]),
    ]

    static let bootstrapClusterRoleBindings: [Binding] = [
        Binding(kind: "ClusterRoleBinding", name: "system:discovery", namespace: "", roleKind: "ClusterRole", roleName: "system:discovery",
                subjects: [Subject(kind: "Group", name: UserInfo.authenticatedGroup, namespace: "")]),
        Binding(kind: "ClusterRoleBinding", name: "system:basic-user", namespace: "", roleKind: "ClusterRole", roleName: "system:basic-user",
                subjects: [Subject(kind: "Group", name: UserInfo.authenticatedGroup, namespace: "")]),
        Binding(kind: "ClusterRoleBinding", name: "system:public-info-viewer", namespace: "", roleKind: "ClusterRole", roleName: "system:public-info-viewer",
                subjects: [Subject(kind: "Group", name: UserInfo.authenticatedGroup, namespace: ""),
                           Subject(kind: "Group", name: "system:unauthenticated", namespace: "")]),
    ]
}
