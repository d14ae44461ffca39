import KratixAPI
import KubeModel

/// The RBAC of a pipeline run (§4.4): Kratix's default permissions plus those the Pipeline asks for
/// in `rbac.permissions`.
extension PipelineObjectBuilder {
    struct RBAC {
        var roles: [KubeObject] = []
        var roleBindings: [KubeObject] = []
        var clusterRoles: [KubeObject] = []
        var clusterRoleBindings: [KubeObject] = []
    }

    static let defaultVerbs = ["get", "list", "update", "create", "patch"]

    func rbac() -> RBAC {
        var out = RBAC()
        let id = run.pipelineID
        let saNamespace = run.namespace
        switch run.workflowType {
        case .promise:
            let rule = Self.rule(apiGroups: [KratixGroup.group], resources: ["promises", "promises/status", "works"],
                                 verbs: Self.defaultVerbs)
            out.clusterRoles.append(role(kind: "ClusterRole", name: id, namespace: nil, labels: promiseLabel, rules: [rule]))
            out.clusterRoleBindings.append(binding(kind: "ClusterRoleBinding", name: id, namespace: nil, labels: promiseLabel,
                                                   roleKind: "ClusterRole", roleName: id))
        case .resource:
            let own = Self.rule(apiGroups: [identity.group], resources: [identity.plural, "\(identity.plural)/status"],
                                verbs: Self.defaultVerbs)
            let works = Self.rule(apiGroups: [KratixGroup.group], resources: ["works"], verbs: ["*"])
            out.roles.append(role(kind: "Role", name: id, namespace: saNamespace, labels: promiseLabel, rules: [own, works]))
            out.roleBindings.append(binding(kind: "RoleBinding", name: id, namespace: saNamespace, labels: promiseLabel,
                                            roleKind: "Role", roleName: id))
            let requestNamespace = run.objectNamespace
            if !requestNamespace.isEmpty && requestNamespace != saNamespace {
                let name = "\(id)-\(requestNamespace)"
                out.clusterRoles.append(role(kind: "ClusterRole", name: name, namespace: nil, labels: promiseLabel, rules: [own]))
                out.clusterRoleBindings.append(binding(kind: "ClusterRoleBinding", name: name, namespace: nil, labels: promiseLabel,
                                                       roleKind: "ClusterRole", roleName: name))
            }
        }
        addUserPermissions(to: &out)
        return out
    }

    /// `rbac.permissions`: entries without `resourceNamespace` become one Role in the pipeline
    /// namespace; the others a ClusterRole per namespace value, bound in that namespace (or
    /// cluster-wide for `*`).
    private func addUserPermissions(to out: inout RBAC) {
        let permissions = run.pipeline.spec.rbac?.permissions ?? []
        guard !permissions.isEmpty else { return }
        let id = run.pipelineID
        let saNamespace = run.namespace
        let baseLabels: [String: String] = [
            KratixLabels.promiseName: run.promiseName,
            KratixLabels.workflowType: run.workflowType.rawValue,
            KratixLabels.workflowAction: run.action.rawValue,
            KratixLabels.pipelineName: run.pipelineName,
            KratixLabels.pipelineNamespace: saNamespace,
        ]

        let local = permissions.filter { ($0.resourceNamespace ?? "").isEmpty }
        if !local.isEmpty {
            let name = KratixObjectName.deterministic(id)
            let labels = Self.labels(baseLabels)
            out.roles.append(role(kind: "Role", name: name, namespace: saNamespace, labels: labels, rules: local.map { Self.rule($0) }))
            out.roleBindings.append(binding(kind: "RoleBinding", name: name, namespace: saNamespace, labels: labels,
                                            roleKind: "Role", roleName: name))
        }

        // Grouped by namespace value, in first-appearance order.
        var order: [String] = []
        var groups: [String: [PipelinePermission]] = [:]
        for permission in permissions {
            guard let ns = permission.resourceNamespace, !ns.isEmpty else { continue }
            if groups[ns] == nil { order.append(ns) }
            groups[ns, default: []].append(permission)
        }
        for ns in order {
            let allNamespaces = ns == "*"
            let roleName = KratixObjectName.deterministic("\(id)-\(allNamespaces ? "kratix-all-namespaces" : ns)")
            var labelMap = baseLabels
            labelMap[KratixLabels.resourceNamespace] = allNamespaces ? "kratix_all_namespaces" : ns
            let labels = Self.labels(labelMap)
            out.clusterRoles.append(role(kind: "ClusterRole", name: roleName, namespace: nil, labels: labels,
                                         rules: groups[ns, default: []].map { Self.rule($0) }))
            let bindingName = KratixObjectName.deterministic("\(id)-\(saNamespace)")
            if allNamespaces {
                out.clusterRoleBindings.append(binding(kind: "ClusterRoleBinding", name: bindingName, namespace: nil, labels: labels,
                                                       roleKind: "ClusterRole", roleName: roleName))
            } else {
                out.roleBindings.append(binding(kind: "RoleBinding", name: bindingName, namespace: ns, labels: labels,
                                                roleKind: "ClusterRole", roleName: roleName))
            }
        }
    }

    private func role(kind: String, name: String, namespace: String?, labels: JSONValue, rules: [JSONValue]) -> KubeObject {
        var metadata: JSONObject = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        metadata["labels"] = labels
        return KubeObject(["apiVersion": .string(Self.rbacAPIVersion), "kind": .string(kind), "metadata": .object(metadata),
                           "rules": .array(rules)])
    }

    private func binding(kind: String, name: String, namespace: String?, labels: JSONValue, roleKind: String, roleName: String) -> KubeObject {
        var metadata: JSONObject = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        metadata["labels"] = labels
        return KubeObject([
            "apiVersion": .string(Self.rbacAPIVersion),
            "kind": .string(kind),
            "metadata": .object(metadata),
            "roleRef": ["apiGroup": .string(Self.rbacGroup), "kind": .string(roleKind), "name": .string(roleName)],
            "subjects": [["kind": "ServiceAccount", "name": .string(run.serviceAccountName), "namespace": .string(run.namespace)]],
        ])
    }

    /// A PolicyRule as the API server returns it: `verbs` always, the other lists only when non-empty.
    static func rule(apiGroups: [String]?, resources: [String]?, verbs: [String], resourceNames: [String]? = nil,
                     nonResourceURLs: [String]? = nil) -> JSONValue {
        var o: JSONObject = ["verbs": strings(verbs)]
        if let apiGroups, !apiGroups.isEmpty { o["apiGroups"] = strings(apiGroups) }
        if let resources, !resources.isEmpty { o["resources"] = strings(resources) }
        if let resourceNames, !resourceNames.isEmpty { o["resourceNames"] = strings(resourceNames) }
        if let nonResourceURLs, !nonResourceURLs.isEmpty { o["nonResourceURLs"] = strings(nonResourceURLs) }
        return .object(o)
    }

    static func rule(_ permission: PipelinePermission) -> JSONValue {
        rule(apiGroups: permission.apiGroups, resources: permission.resources, verbs: permission.verbs ?? [],
             resourceNames: permission.resourceNames, nonResourceURLs: permission.nonResourceURLs)
    }
}
