import Foundation
import KubeModel

/// The default ClusterRoles and bindings (``BootstrapPolicy``), and the ClusterRole aggregation
/// controller: a ClusterRole with an `aggregationRule` has, as its rules, the union of the rules of
/// every other ClusterRole its selectors match. A real cluster's controller-manager keeps that up to
/// date; here it is done inside the write that changes a ClusterRole, so the next request already
/// sees it.
extension ObjectStore {
    static let clusterRolesResource = "clusterroles.rbac.authorization.k8s.io"
    static let clusterRoleBindingsResource = "clusterrolebindings.rbac.authorization.k8s.io"
    /// The field manager the aggregation writes as (the real controller's name).
    static let aggregationManager = "clusterrole-aggregation-controller"

    /// Re-aggregates every aggregated ClusterRole after a ClusterRole changed; chains (`view` is
    /// part of `edit`, which is part of `admin`) settle within a few rounds.
    func aggregateClusterRoles() throws(APIError) {
        let resource = resources["rbac.authorization.k8s.io/clusterroles"]
        for _ in 0..<8 {
            let roles = objects[Self.clusterRolesResource] ?? [:]
            var changed = false
            for (storageKey, role) in roles.sorted(by: { $0.key < $1.key }) where role["aggregationRule"] != nil {
                let rules = JSONValue.array(Self.aggregatedRules(of: role, among: roles))
                guard role["rules"] != rules else { continue }
                var updated = role
                updated["rules"] = rules
                if let resource { recordManagedFields(&updated, over: role, by: Self.aggregationManager, of: resource) }
                try commit(Self.clusterRolesResource, key: storageKey, object: updated, previous: role)
                changed = true
            }
            if !changed { return }
        }
    }

    /// Upstream's order: selector by selector, the matching roles by name, each rule once.
    static func aggregatedRules(of role: JSONObject, among roles: [String: JSONObject]) -> [JSONValue] {
        let name = role["metadata"]?["name"]?.stringValue
        let selectors = (role["aggregationRule"]?["clusterRoleSelectors"]?.arrayValue ?? []).compactMap {
            try? JSONValueDecoder().decode(LabelSelector.self, from: $0)
        }
        let others = roles.values.filter { $0["metadata"]?["name"]?.stringValue != name }
            .sorted { ($0["metadata"]?["name"]?.stringValue ?? "") < ($1["metadata"]?["name"]?.stringValue ?? "") }
        var rules: [JSONValue] = []
        for selector in selectors {
            for other in others {
                let labels = (other["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                guard selector.matches(Dictionary(uniqueKeysWithValues: labels.map { ($0.key, $0.value) })) else { continue }
                for rule in other["rules"]?.arrayValue ?? [] where !rules.contains(rule) {
                    rules.append(rule)
                }
            }
        }
        return rules
    }

    /// Adds the bootstrap roles and bindings that are missing (a new store, or one kept by an
    /// earlier version) and aggregates; returns whether anything was added. Runs in `init`, before
    /// the store serves, so it writes the objects directly.
    static func addBootstrapPolicy(to objects: inout [String: [String: JSONObject]], revision: inout Int64, now: String) -> Bool {
        var added = false
        for (resource, defaults) in [(clusterRolesResource, BootstrapPolicy.clusterRoles),
                                     (clusterRoleBindingsResource, BootstrapPolicy.clusterRoleBindings)] {
            for var object in defaults {
                let name = object["metadata"]?["name"]?.stringValue ?? ""
                guard objects[resource]?["/" + name] == nil else { continue }
                revision += 1
                var meta = object["metadata"]?.objectValue ?? [:]
                meta["uid"] = .string(UUID().uuidString.lowercased())
                meta["creationTimestamp"] = .string(now)
                meta["resourceVersion"] = .string(String(revision))
                object["metadata"] = .object(meta)
                objects[resource, default: [:]]["/" + name] = object
                added = true
            }
        }
        for _ in 0..<8 {
            let roles = objects[clusterRolesResource] ?? [:]
            var changed = false
            for (storageKey, role) in roles where role["aggregationRule"] != nil {
                let rules = JSONValue.array(aggregatedRules(of: role, among: roles))
                guard role["rules"] != rules else { continue }
                revision += 1
                var updated = role
                updated["rules"] = rules
                updated["metadata"]?["resourceVersion"] = .string(String(revision))
                objects[clusterRolesResource]?[storageKey] = updated
                changed = true
                added = true
            }
            if !changed { break }
        }
        return added
    }
}
