import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

extension PromiseReconciler {
    // MARK: The CRD (§7.2 step 9)

    enum CRDState { case ready, wait }

    func ensureCRD(_ api: PromiseAPI, promise: Promise) async throws -> CRDState {
        guard var existing = try await reader.get(.customResourceDefinitions, name: api.crdName, namespace: nil) else {
            _ = try await client.create(.customResourceDefinitions, api.crd)
            return .wait
        }
        var desired = existing
        for key in ["versions", "conversion", "preserveUnknownFields"] {
            desired.json["spec"]?[key] = api.crd.json["spec"]?[key]
        }
        var labels = existing.labels
        for (k, v) in api.crd.labels { labels[k] = v }
        desired.json["metadata"]?["labels"] = .object(JSONObject(uniqueKeysWithValues: labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        if desired != existing {
            existing = try await client.update(.customResourceDefinitions, desired)
        }
        let established = (existing.status?["conditions"]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
        }
        return established ? .ready : .wait
    }

    func ensureControllerRBAC(_ api: PromiseAPI, promise: String) async throws {
        let name = "\(promise)-promise-controller"
        let labels: JSONValue = .object([KratixLabels.promiseName: .string(promise)])
        var role = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: name)
        role.json["metadata"]?["labels"] = labels
        role.json["rules"] = [
            ["apiGroups": [.string(api.group)], "resources": [.string(api.plural)], "verbs": ["*"]],
            ["apiGroups": [.string(api.group)], "resources": [.string("\(api.plural)/finalizers")], "verbs": ["update"]],
            ["apiGroups": [.string(api.group)], "resources": [.string("\(api.plural)/status")], "verbs": ["get", "update", "patch"]],
        ]
        var binding = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: name)
        binding.json["metadata"]?["labels"] = labels
        binding.json["roleRef"] = ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(name)]
        binding.json["subjects"] = [["kind": "ServiceAccount", "name": .string(KratixGroup.controllerServiceAccount),
                                     "namespace": .string(KratixGroup.systemNamespace)]]
        for (gvr, object) in [(GroupVersionResource.clusterRoles, role), (.clusterRoleBindings, binding)] {
            if var existing = try await reader.get(gvr, name: name, namespace: nil) {
                let key = object.kind == "ClusterRole" ? "rules" : "subjects"
                if existing.json[key] != object.json[key] || existing.labels[KratixLabels.promiseName] != promise {
                    existing.json[key] = object.json[key]
                    if key == "subjects" { existing.json["roleRef"] = object.json["roleRef"] }
                    existing.json["metadata"]?["labels"] = labels
                    _ = try await client.update(gvr, existing)
                }
            } else {
                _ = try await client.create(gvr, object)
            }
        }
    }
}
