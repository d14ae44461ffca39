import Foundation
import KubeModel

/// What a real cluster's Deployment and ReplicaSet controllers do when a Deployment is written,
/// done inside the write: the ReplicaSet of the current pod template (named by its hash, older
/// ones scaled to zero), its pods, the Deployment's revision annotation and status, and their
/// Events. Nothing runs the pods here (the Job runner runs Jobs only), so they stay `Pending` and
/// the Deployment reports no available replica, as on a cluster without a node for them.
extension ObjectStore {
    static let replicaSets = "replicasets.apps"

    func syncDeployment(_ deployment: JSONObject) throws(APIError) {
        let value = JSONValue.object(deployment)
        guard value[path: ["metadata", "deletionTimestamp"]] == nil,
              let namespace = value[path: ["metadata", "namespace"]]?.stringValue,
              let name = value[path: ["metadata", "name"]]?.stringValue,
              let uid = value[path: ["metadata", "uid"]]?.stringValue,
              let template = value[path: ["spec", "template"]]?.objectValue
        else { return }
        let replicas = value[path: ["spec", "replicas"]]?.intValue ?? 1
        let now = Timestamp.format(clock())
        let hash = Self.podTemplateHash(JSONValue.object(template))
        let setName = "\(name)-\(hash)"
        let owned = (objects[Self.replicaSets] ?? [:]).values.filter { set in
            set["metadata"]?["namespace"]?.stringValue == namespace
                && (set["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
        }
        let revisions = owned.compactMap { Int($0["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]?.stringValue ?? "") }
        var current = objects[Self.replicaSets]?[key(namespace, setName)]
        let revision = current?["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]?.stringValue
            ?? String((revisions.max() ?? 0) + 1)
        var selector = value[path: ["spec", "selector"]]?.objectValue ?? [:]
        var matchLabels = selector["matchLabels"]?.objectValue ?? [:]
        matchLabels["pod-template-hash"] = .string(hash)
        selector["matchLabels"] = .object(matchLabels)
        var podTemplate = template
        podTemplate["metadata"]?["labels"]?["pod-template-hash"] = .string(hash)
        let annotations: JSONObject = [
            "deployment.kubernetes.io/desired-replicas": .string(String(replicas)),
            "deployment.kubernetes.io/max-replicas": .string(String(replicas + max(1, (replicas + 3) / 4))),
            "deployment.kubernetes.io/revision": .string(revision),
        ]
        if current == nil || current?["spec"]?["replicas"]?.intValue != replicas {
            let previous = current
            var set: JSONObject = current ?? [
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": [
                    "name": .string(setName), "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased()),
                    "creationTimestamp": .string(now), "generation": 1,
                    "labels": podTemplate["metadata"]?["labels"] ?? [:],
                    "ownerReferences": [["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name), "uid": .string(uid),
                                         "controller": true, "blockOwnerDeletion": true]],
                ],
            ]
            set["metadata"]?["annotations"] = .object(annotations)
            set["spec"] = ["replicas": .int(replicas), "selector": .object(selector), "template": .object(podTemplate)]
            set["status"] = ["replicas": .int(replicas), "fullyLabeledReplicas": .int(replicas), "observedGeneration": 1]
            current = try commit(Self.replicaSets, key: key(namespace, setName), object: set, previous: previous)
            if previous == nil || (previous?["spec"]?["replicas"]?.intValue ?? 0) < replicas {
                try recordEvent(about: reference(value),
                                type: "Normal", reason: "ScalingReplicaSet", message: "Scaled up replica set \(setName) to \(replicas)", component: "deployment-controller")
            }
        }
        // Older templates' ReplicaSets go to zero.
        for old in owned where old["metadata"]?["name"]?.stringValue != setName && (old["spec"]?["replicas"]?.intValue ?? 0) > 0 {
            var scaled = old
            scaled["spec"]?["replicas"] = 0
            scaled["status"]?["replicas"] = 0
            let oldName = old["metadata"]?["name"]?.stringValue ?? ""
            try commit(Self.replicaSets, key: key(namespace, oldName), object: scaled, previous: old)
            try syncReplicaSetPods(scaled, namespace: namespace)
            try recordEvent(about: reference(value),
                            type: "Normal", reason: "ScalingReplicaSet", message: "Scaled down replica set \(oldName) to 0 from \(old["spec"]?["replicas"]?.intValue ?? 0)",
                            component: "deployment-controller")
        }
        if let current { try syncReplicaSetPods(current, namespace: namespace) }
        try updateDeploymentStatus(deployment, replicas: replicas, revision: revision, setName: setName, now: now)
    }

    /// Creates or deletes the pods of a ReplicaSet to match its replicas.
    private func syncReplicaSetPods(_ set: JSONObject, namespace: String) throws(APIError) {
        let setUID = set["metadata"]?["uid"]?.stringValue ?? ""
        let setName = set["metadata"]?["name"]?.stringValue ?? ""
        let setReference = reference(.object(set))
        let wanted = Int(set["spec"]?["replicas"]?.intValue ?? 0)
        let pods = (objects["pods"] ?? [:]).values.filter { pod in
            pod["metadata"]?["namespace"]?.stringValue == namespace
                && (pod["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == setUID }
        }
        guard let podResource = resources["/pods"] else { return }
        if pods.count < wanted {
            for _ in pods.count..<wanted {
                let template = set["spec"]?["template"]?.objectValue ?? [:]
                var metadata = template["metadata"]?.objectValue ?? [:]
                metadata.removeValue(forKey: "creationTimestamp")
                metadata["generateName"] = .string(setName + "-")
                metadata["ownerReferences"] = [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": .string(setName), "uid": .string(setUID),
                                                "controller": true, "blockOwnerDeletion": true]]
                do {
                    let pod = try applyCreate(podResource, namespace: namespace, object: ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
                                                                                          "spec": template["spec"] ?? [:]],
                                              dryRun: false, manager: "kube-controller-manager")
                    try recordEvent(about: setReference, type: "Normal", reason: "SuccessfulCreate",
                                    message: "Created pod: \(pod["metadata"]?["name"]?.stringValue ?? "")", component: "replicaset-controller")
                } catch {
                    // As the ReplicaSet controller does: the Deployment stays, an Event says why
                    // (a missing ServiceAccount, an invalid template).
                    try recordEvent(about: setReference, type: "Warning", reason: "FailedCreate",
                                    message: "Error creating: \(error.message)", component: "replicaset-controller")
                    return
                }
            }
        } else if pods.count > wanted {
            for pod in pods.prefix(pods.count - wanted) {
                let podName = pod["metadata"]?["name"]?.stringValue ?? ""
                _ = try applyDelete(podResource, namespace: namespace, name: podName, dryRun: false)
                try recordEvent(about: setReference,
                                type: "Normal", reason: "SuccessfulDelete", message: "Deleted pod: \(podName)", component: "replicaset-controller")
            }
        }
    }

    /// The revision annotation and the status the Deployment controller writes while none of the
    /// pods is available.
    private func updateDeploymentStatus(_ deployment: JSONObject, replicas: Int64, revision: String, setName: String, now: String) throws(APIError) {
        var updated = deployment
        updated["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] = .string(revision)
        if updated["metadata"]?["annotations"] == nil { updated["metadata"]?["annotations"] = ["deployment.kubernetes.io/revision": .string(revision)] }
        let conditions = deployment["status"]?["conditions"]?.arrayValue ?? []
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            let old = conditions.first { $0["type"]?.stringValue == type }
            let changed = old?["status"]?.stringValue != status
            return [
                "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                "lastUpdateTime": .string(now), "lastTransitionTime": changed ? .string(now) : old?["lastTransitionTime"] ?? .string(now),
            ]
        }
        var status: JSONObject = [
            "observedGeneration": deployment["metadata"]?["generation"] ?? 1,
            "conditions": [
                condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                condition("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(setName)\" is progressing."),
            ],
        ]
        if replicas > 0 {
            status["replicas"] = .int(replicas)
            status["updatedReplicas"] = .int(replicas)
            status["unavailableReplicas"] = .int(replicas)
        }
        updated["status"] = .object(status)
        guard JSONValue.object(updated) != JSONValue.object(deployment) else { return }
        // One entry for the controller's writes, as the recorded cluster shows it.
        var paths = ManagedFields.fieldSet(of: .object(updated), type: "apps/v1.Deployment", status: true)
        paths.formUnion([["f:metadata", "f:annotations", "."], ["f:metadata", "f:annotations", "f:deployment.kubernetes.io/revision"]])
        var entries = (deployment["metadata"]?["managedFields"]?.arrayValue ?? []).filter { $0["manager"] != "kube-controller-manager" }
        entries.append([
            "manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": .string(now),
            "fieldsType": "FieldsV1", "fieldsV1": ManagedFields.encode(paths), "subresource": "status",
        ])
        updated["metadata"]?["managedFields"] = .array(ManagedFields.sorted(entries.compactMap(\.objectValue)).map(JSONValue.object))
        let namespace = deployment["metadata"]?["namespace"]?.stringValue ?? ""
        let name = deployment["metadata"]?["name"]?.stringValue ?? ""
        try commit("deployments.apps", key: key(namespace, name), object: updated, previous: deployment)
    }

    /// The pod-template-hash label: an FNV-1a hash of the template, written with the safe
    /// alphabet of apimachinery's `rand.SafeEncodeString` (the real controller hashes Go's
    /// printout of the struct, so the value differs from a real cluster's; it is stable here).
    static func podTemplateHash(_ template: JSONValue) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in template.serialized(.init(sortedKeys: true)).utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).map { alphabet[Int($0.asciiValue ?? 48) % alphabet.count] })
    }
}
