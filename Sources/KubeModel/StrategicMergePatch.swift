/// Kubernetes strategic merge patch for the built-in kinds: like a JSON merge patch, except that
/// lists whose elements have a merge key (containers by `name`, volumes by `name`, …) are merged
/// element by element, and the `$patch`, `$retainKeys`, `$setElementOrder/…` and
/// `$deleteFromPrimitiveList/…` directives are honoured. This is what `kubectl apply` sends for
/// built-in kinds, so repeated applies of a Deployment or Job keep working.
public enum StrategicMergePatch {
    /// Merge keys of associative lists in the built-in API types, by field name.
    public static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
        "env": "name", "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
        "imagePullSecrets": "name", "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid",
        "topologySpreadConstraints": "topologyKey", "resourceClaims": "name", "readinessGates": "conditionType",
        "secrets": "name", "ephemeralContainerStatuses": "name", "containerStatuses": "name",
        "initContainerStatuses": "name", "subsets": "", "allocatedResourceStatuses": "name",
    ]

    /// Lists of scalars that merge as sets instead of being replaced.
    public static let mergedPrimitiveLists: Set<String> = ["finalizers"]

    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        mergeValue(patch, into: target, field: nil)
    }

    private static func mergeValue(_ patch: JSONValue, into target: JSONValue, field: String?) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        if patchObject["$patch"] == "replace" {
            var replaced = patchObject
            replaced.removeValue(forKey: "$patch")
            return .object(replaced)
        }
        if patchObject["$patch"] == "delete" { return .null }
        var result: JSONObject
        if case .object(let o) = target { result = o } else { result = [:] }
        var retain: Set<String>?
        for (key, value) in patchObject {
            if key == "$patch" { continue }
            if key == "$retainKeys" {
                retain = Set(value.arrayValue?.compactMap(\.stringValue) ?? [])
                continue
            }
            if key.hasPrefix("$setElementOrder/") { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let listKey = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = value.arrayValue ?? []
                if case .array(let list)? = result[listKey] {
                    result[listKey] = .array(list.filter { !remove.contains($0) })
                }
                continue
            }
            if value.isNull {
                result.removeValue(forKey: key)
                continue
            }
            let current = result[key] ?? .null
            switch value {
            case .array(let patchList):
                result[key] = mergeList(patchList, into: current.arrayValue, field: key, order: patchObject["$setElementOrder/\(key)"]?.arrayValue)
            case .object:
                let merged = mergeValue(value, into: current, field: key)
                if merged.isNull { result.removeValue(forKey: key) } else { result[key] = merged }
            default:
                result[key] = value
            }
        }
        if let retain {
            for key in Array(result.keys) where !retain.contains(key) { result.removeValue(forKey: key) }
        }
        return .object(result)
    }

    private static func mergeKey(for field: String, elements: [JSONValue]) -> String? {
        if field == "ports" {
            // Container ports merge by containerPort, service ports by port.
            if elements.contains(where: { $0["containerPort"] != nil }) { return "containerPort" }
            if elements.contains(where: { $0["port"] != nil }) { return "port" }
            return nil
        }
        guard let key = mergeKeys[field], !key.isEmpty else { return nil }
        return key
    }

    private static func mergeList(_ patch: [JSONValue], into current: [JSONValue]?, field: String, order: [JSONValue]?) -> JSONValue {
        let existing = current ?? []
        if mergedPrimitiveLists.contains(field) {
            var out = existing
            for element in patch where !out.contains(element) { out.append(element) }
            return .array(out)
        }
        guard let key = mergeKey(for: field, elements: patch + existing),
            patch.allSatisfy({ $0.objectValue != nil })
        else {
            // Lists without a merge key are replaced (directives stripped).
            return .array(patch.map { stripDirectives($0) })
        }
        if patch.contains(where: { $0["$patch"] == "replace" }) {
            return .array(patch.filter { $0["$patch"] != "replace" }.map { stripDirectives($0) })
        }
        var out = existing
        for element in patch {
            guard let id = element[key] else {
                out.append(stripDirectives(element))
                continue
            }
            if let index = out.firstIndex(where: { $0[key] == id }) {
                if element["$patch"] == "delete" {
                    out.remove(at: index)
                } else {
                    out[index] = mergeValue(element, into: out[index], field: field)
                }
            } else if element["$patch"] != "delete" {
                out.append(mergeValue(element, into: .object([:]), field: field))
            }
        }
        if let order {
            // `$setElementOrder` gives the final order of the keyed elements.
            let ids = order.compactMap { $0[key] }
            var ordered: [JSONValue] = []
            for id in ids { if let element = out.first(where: { $0[key] == id }) { ordered.append(element) } }
            for element in out where !ordered.contains(element) { ordered.append(element) }
            out = ordered
        }
        return .array(out)
    }

    private static func stripDirectives(_ value: JSONValue) -> JSONValue {
        guard case .object(var o) = value else { return value }
        for key in Array(o.keys) where key.hasPrefix("$") { o.removeValue(forKey: key) }
        return .object(o)
    }
}
