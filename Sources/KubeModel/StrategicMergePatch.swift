/// Kubernetes strategic merge patch for the built-in kinds: like a JSON merge patch, except that
/// lists whose elements have a merge key (containers by `name`, volumes by `name`, …) are merged
/// element by element, and the `$patch`, `$retainKeys`, `$setElementOrder/…` and
/// `$deleteFromPrimitiveList/…` directives are honoured. This is what `kubectl apply` sends for
/// built-in kinds, so repeated applies of a Deployment or Job keep working. Which lists merge, and
/// by what, comes from the kind's ``MergeSchema``; server-side apply merges the same way with its
/// own list rules (`strategic: false`).
public enum StrategicMergePatch {
    /// Merge keys of associative lists in the built-in API types, by field name: for kinds whose
    /// schema is unknown (``MergeSchema/byFieldName``).
    public static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
        "env": "name", "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
        "imagePullSecrets": "name", "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid",
        "topologySpreadConstraints": "topologyKey", "resourceClaims": "name", "readinessGates": "conditionType",
        "secrets": "name", "ephemeralContainerStatuses": "name", "containerStatuses": "name",
        "initContainerStatuses": "name", "subsets": "", "allocatedResourceStatuses": "name",
        // Validating and mutating webhook configurations' webhooks.
        "webhooks": "name",
    ]

    /// Lists of scalars that merge as sets instead of being replaced.
    public static let mergedPrimitiveLists: Set<String> = ["finalizers"]

    /// - Parameters:
    ///   - schema: the kind's schema (``MergeSchema/forKind(apiVersion:kind:crdSchema:)``).
    ///   - strategic: strategic merge patch's list rules; `false` for server-side apply's.
    public static func apply(_ patch: JSONValue, to target: JSONValue, schema: MergeSchema = .byFieldName, strategic: Bool = true) -> JSONValue {
        Merger(strategic: strategic).mergeValue(patch, into: target, schema: schema)
    }

    private struct Merger {
        var strategic: Bool

        func mergeValue(_ patch: JSONValue, into target: JSONValue, schema: MergeSchema) -> JSONValue {
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
                    result[key] = mergeList(patchList, into: current.arrayValue, field: key, schema: schema,
                                            order: patchObject["$setElementOrder/\(key)"]?.arrayValue)
                case .object:
                    let merged = mergeValue(value, into: current, schema: schema.child(key))
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

        private func mergeList(_ patch: [JSONValue], into current: [JSONValue]?, field: String, schema: MergeSchema, order: [JSONValue]?) -> JSONValue {
            let existing = current ?? []
            let rule = schema.listMerge(field, elements: patch + existing, strategic: strategic)
            if rule == .set {
                var out = existing
                for element in patch where !out.contains(element) { out.append(element) }
                return .array(out)
            }
            guard case .byKeys(let keys) = rule, !keys.isEmpty, patch.allSatisfy({ $0.objectValue != nil }) else {
                // Lists without a merge key are replaced (directives stripped).
                return .array(patch.map { stripDirectives($0) })
            }
            if patch.contains(where: { $0["$patch"] == "replace" }) {
                return .array(patch.filter { $0["$patch"] != "replace" }.map { stripDirectives($0) })
            }
            let elementSchema = schema.element(field)
            /// Whether `element` is the one `patchElement` names: equal in every key the patch gives
            /// (a key the server defaults, such as a port's protocol, may be left out).
            func matches(_ element: JSONValue, _ patchElement: JSONValue) -> Bool {
                keys.allSatisfy { key in patchElement[key].map { element[key] == $0 } ?? true }
            }
            var out = existing
            for element in patch {
                guard keys.contains(where: { element[$0] != nil }) else {
                    out.append(stripDirectives(element))
                    continue
                }
                if let index = out.firstIndex(where: { matches($0, element) }) {
                    if element["$patch"] == "delete" {
                        out.remove(at: index)
                    } else {
                        out[index] = mergeValue(element, into: out[index], schema: elementSchema)
                    }
                } else if element["$patch"] != "delete" {
                    out.append(mergeValue(element, into: .object([:]), schema: elementSchema))
                }
            }
            if let order {
                // `$setElementOrder` gives the final order of the keyed elements.
                var ordered: [JSONValue] = []
                for wanted in order { if let element = out.first(where: { matches($0, wanted) }), !ordered.contains(element) { ordered.append(element) } }
                for element in out where !ordered.contains(element) { ordered.append(element) }
                out = ordered
            }
            return .array(out)
        }

        private func stripDirectives(_ value: JSONValue) -> JSONValue {
            guard case .object(var o) = value else { return value }
            for key in Array(o.keys) where key.hasPrefix("$") { o.removeValue(forKey: key) }
            return .object(o)
        }
    }
}
