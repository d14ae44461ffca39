import Foundation
import KubeModel

/// What a real cluster adds to objects beyond their registries: the admission plugins a 1.28
/// server runs by default on pod creation (ServiceAccount, DefaultTolerationSeconds, Priority),
/// the Service IP allocator, and the controllers that give every namespace its `default`
/// ServiceAccount and `kube-root-ca.crt` ConfigMap. Here they act at once, inside the create, so
/// a pod can be made in a namespace right after the namespace is.
extension ObjectStore {
    static let serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
    static let rootCAConfigMap = "kube-root-ca.crt"

    /// The CA bundle clients of this server trust, published as `kube-root-ca.crt` in every
    /// namespace (empty for a plain-HTTP test server). Existing namespaces get their defaults now.
    public func useRootCA(_ pem: String) throws(APIError) {
        rootCAPEM = pem
        for namespace in (objects["namespaces"] ?? [:]).values.compactMap({ $0["metadata"]?["name"]?.stringValue }) {
            try ensureNamespaceDefaults(namespace)
        }
    }

    /// The `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap of a namespace.
    func ensureNamespaceDefaults(_ namespace: String) throws(APIError) {
        let now = Timestamp.format(clock())
        func metadata(_ name: String) -> JSONObject {
            ["name": .string(name), "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased()), "creationTimestamp": .string(now)]
        }
        if objects["serviceaccounts"]?[key(namespace, "default")] == nil {
            try commit("serviceaccounts", key: key(namespace, "default"), object: Self.defaultServiceAccount(in: namespace, now: now), previous: nil)
        }
        let configMapKey = key(namespace, Self.rootCAConfigMap)
        let existing = objects["configmaps"]?[configMapKey]
        guard existing?["data"]?["ca.crt"]?.stringValue != rootCAPEM else { return }
        var meta = existing?["metadata"]?.objectValue ?? metadata(Self.rootCAConfigMap)
        meta["annotations"] = ["kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."]
        var configMap: JSONObject = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(meta), "data": ["ca.crt": .string(rootCAPEM)]]
        if let configMaps = resources["/configmaps"] { recordManagedFields(&configMap, over: existing, by: "kube-controller-manager", of: configMaps) }
        try commit("configmaps", key: configMapKey, object: configMap, previous: existing)
    }

    /// A namespace's `default` ServiceAccount, as the ServiceAccount controller makes it.
    static func defaultServiceAccount(in namespace: String, now: String) -> JSONObject {
        [
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": ["name": "default", "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased()), "creationTimestamp": .string(now)],
        ]
    }

    /// The ServiceAccount plugin (the pod's account must exist; its token, the root CA and the
    /// namespace are mounted as a projected volume unless automounting is off), the
    /// DefaultTolerationSeconds plugin and the Priority plugin's defaults.
    func admitPod(_ object: inout JSONObject, namespace: String, name: String) throws(APIError) {
        var spec = object["spec"]?.objectValue ?? [:]
        let account = (spec["serviceAccountName"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 }
            ?? (spec["serviceAccount"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        spec["serviceAccountName"] = .string(account)
        spec["serviceAccount"] = .string(account)
        guard let serviceAccount = objects["serviceaccounts"]?[key(namespace, account)] else {
            throw APIError(code: 403, reason: "Forbidden",
                           message: "pods \"\(name)\" is forbidden: error looking up service account \(namespace)/\(account): serviceaccount \"\(account)\" not found",
                           details: ["name": .string(name), "kind": "pods"])
        }
        let automount = spec["automountServiceAccountToken"]?.boolValue ?? serviceAccount["automountServiceAccountToken"]?.boolValue ?? true
        let containerFields = ["initContainers", "containers"]
        let alreadyMounted = containerFields.contains { field in
            (spec[field]?.arrayValue ?? []).contains { ($0["volumeMounts"]?.arrayValue ?? []).contains { $0["mountPath"]?.stringValue == Self.serviceAccountMountPath } }
        }
        if automount && !alreadyMounted {
            let volumeName = "kube-api-access-" + Self.randomSuffix()
            spec["volumes"] = .array((spec["volumes"]?.arrayValue ?? []) + [[
                "name": .string(volumeName),
                "projected": [
                    "defaultMode": 420,
                    "sources": [
                        ["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]],
                        ["configMap": ["name": .string(Self.rootCAConfigMap), "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                        ["downwardAPI": ["items": [["path": "namespace", "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]]]],
                    ],
                ],
            ]])
            for field in containerFields {
                guard let containers = spec[field]?.arrayValue else { continue }
                spec[field] = .array(containers.map { container in
                    guard var c = container.objectValue else { return container }
                    c["volumeMounts"] = .array((c["volumeMounts"]?.arrayValue ?? []) + [
                        ["name": .string(volumeName), "readOnly": true, "mountPath": .string(Self.serviceAccountMountPath)],
                    ])
                    return .object(c)
                })
            }
        }
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        for taint in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"]?.stringValue == taint && ($0["effect"]?.stringValue ?? "NoExecute") == "NoExecute" }) {
            tolerations.append(["key": .string(taint), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300])
        }
        spec["tolerations"] = .array(tolerations)
        if spec["priority"] == nil { spec["priority"] = 0 }
        if spec["preemptionPolicy"] == nil { spec["preemptionPolicy"] = "PreemptLowerPriority" }
        object["spec"] = .object(spec)
    }

    /// A free address of the service range (10.0.0.0/24, the real server's default; .1 is the
    /// `kubernetes` Service's) for a Service that asks for none; headless and ExternalName
    /// Services get none. IPv4 single stack.
    func allocateClusterIP(for object: inout JSONObject, name: String) throws(APIError) {
        var spec = object["spec"]?.objectValue ?? [:]
        guard spec["type"]?.stringValue != "ExternalName" else { return }
        var ip = spec["clusterIP"]?.stringValue ?? ""
        if ip.isEmpty {
            let used = Set((objects["services"] ?? [:]).values.compactMap { $0["spec"]?["clusterIP"]?.stringValue })
            guard let free = (2...254).map({ "10.0.0.\($0)" }).filter({ !used.contains($0) }).randomElement() else {
                throw APIError(code: 500, reason: "InternalError", message: "failed to allocate a serviceIP: range is full")
            }
            ip = free
        }
        spec["clusterIP"] = .string(ip)
        if spec["clusterIPs"] == nil { spec["clusterIPs"] = [.string(ip)] }
        if spec["ipFamilies"] == nil { spec["ipFamilies"] = ["IPv4"] }
        if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = "SingleStack" }
        object["spec"] = .object(spec)
    }
}
