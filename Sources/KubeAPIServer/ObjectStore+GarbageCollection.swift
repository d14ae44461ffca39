import Foundation
import KubeModel

/// Owner references and finalization: what deleting an object does to its dependents, and a
/// namespace's contents.
extension ObjectStore {
    func resource(forGroupResource groupResource: String) -> APIResource? {
        resources.values.first { $0.groupResource == groupResource }
    }

    /// Objects whose ownerReferences name `uid`.
    func dependents(of uid: String) -> [(groupResource: String, key: String, object: JSONObject)] {
        guard !uid.isEmpty else { return [] }
        var out: [(String, String, JSONObject)] = []
        for (groupResource, entries) in objects {
            for (k, object) in entries {
                let refs = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
                if refs.contains(where: { $0["uid"]?.stringValue == uid }) { out.append((groupResource, k, object)) }
            }
        }
        return out
    }

    func orphanDependents(of uid: String) throws(APIError) {
        for (groupResource, k, object) in dependents(of: uid) {
            var updated = object
            let refs = (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
            updated["metadata"]?["ownerReferences"] = refs.isEmpty ? nil : .array(refs)
            try commit(groupResource, key: k, object: updated, previous: object)
        }
    }

    /// Deletes the dependents of a removed (or foreground-deleting) owner; a dependent that still has
    /// another owner only loses the reference.
    func collectGarbage(ownerUID uid: String, deleteOnly: Bool = false) throws(APIError) {
        for (groupResource, k, object) in dependents(of: uid) {
            guard let resource = resource(forGroupResource: groupResource) else { continue }
            let refs = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
            let others = refs.filter { $0["uid"]?.stringValue != uid }
            if !others.isEmpty && !deleteOnly {
                var updated = object
                updated["metadata"]?["ownerReferences"] = .array(others)
                try commit(groupResource, key: k, object: updated, previous: object)
                continue
            }
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            let namespace = object["metadata"]?["namespace"]?.stringValue
            if object["metadata"]?["deletionTimestamp"] == nil {
                _ = try applyDelete(resource, namespace: namespace, name: name, dryRun: false)
            }
        }
    }

    /// A foreground-deleting owner goes once its last dependent has gone.
    func completeForegroundDeletions(after removed: JSONObject) throws(APIError) {
        for ref in removed["metadata"]?["ownerReferences"]?.arrayValue ?? [] {
            guard let ownerUID = ref["uid"]?.stringValue, dependents(of: ownerUID).isEmpty else { continue }
            for (groupResource, entries) in objects {
                for (k, owner) in entries where owner["metadata"]?["uid"]?.stringValue == ownerUID {
                    let finalizers = owner["metadata"]?["finalizers"]?.arrayValue ?? []
                    guard finalizers.contains("foregroundDeletion") else { continue }
                    let rest = finalizers.filter { $0 != "foregroundDeletion" }
                    var updated = owner
                    updated["metadata"]?["finalizers"] = rest.isEmpty ? nil : .array(rest)
                    if rest.isEmpty, let resource = resource(forGroupResource: groupResource) {
                        let gone = try commit(groupResource, key: k, object: nil, previous: updated)
                        try afterRemoval(resource, gone)
                    } else {
                        try commit(groupResource, key: k, object: updated, previous: owner)
                    }
                }
            }
        }
    }

    /// What removing an object implies: its dependents are collected, a foreground-deleting owner may
    /// now go, a terminating namespace may now go, and a CRD takes its resource and objects with it.
    func afterRemoval(_ resource: APIResource, _ object: JSONObject) throws(APIError) {
        if resource.groupResource == Self.clusterRolesResource { try aggregateClusterRoles() }
        if resource.plural == "pods", resource.group.isEmpty {
            let prefix = "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(object["metadata"]?["name"]?.stringValue ?? "")/"
            for key in logs.keys where key.hasPrefix(prefix) { logs[key] = nil }
        }
        if let uid = object["metadata"]?["uid"]?.stringValue {
            try collectGarbage(ownerUID: uid)
        }
        try completeForegroundDeletions(after: object)
        if let namespace = object["metadata"]?["namespace"]?.stringValue,
            objects["namespaces"]?["/\(namespace)"]?["metadata"]?["deletionTimestamp"] != nil
        {
            try finishNamespaceDeletion(namespace)
        }
        guard resource.group == "apiextensions.k8s.io", resource.plural == "customresourcedefinitions",
            let served = CustomResourceDefinitions.servedResource(object)
        else { return }
        for (k, child) in objects[served.groupResource] ?? [:] {
            try commit(served.groupResource, key: k, object: nil, previous: child)
        }
        resources["\(served.group)/\(served.plural)"] = nil
        objects[served.groupResource] = nil
        for (id, watcher) in watchers where watcher.groupResource == served.groupResource {
            watcher.continuation.finish()
            watchers[id] = nil
        }
    }

    /// Deletes everything in a terminating namespace; the namespace goes once nothing with a finalizer is left.
    func finishNamespaceDeletion(_ namespace: String) throws(APIError) {
        var blocked = false
        for (groupResource, entries) in objects where groupResource != "namespaces" {
            for (k, object) in entries where k.hasPrefix(namespace + "/") {
                let finalizers = object["metadata"]?["finalizers"]?.arrayValue ?? []
                if finalizers.isEmpty {
                    try commit(groupResource, key: k, object: nil, previous: object)
                } else {
                    blocked = true
                    if object["metadata"]?["deletionTimestamp"] == nil {
                        var o = object
                        o["metadata"]?["deletionTimestamp"] = .string(Timestamp.format(clock()))
                        try commit(groupResource, key: k, object: o, previous: object)
                    }
                }
            }
        }
        guard let ns = objects["namespaces"]?["/\(namespace)"] else { return }
        if blocked {
            if ns["status"]?["phase"] != "Terminating" {
                var terminating = ns
                terminating["status"] = ["phase": "Terminating"]
                try commit("namespaces", key: "/\(namespace)", object: terminating, previous: ns)
            }
        } else {
            try commit("namespaces", key: "/\(namespace)", object: nil, previous: ns)
        }
    }
}
