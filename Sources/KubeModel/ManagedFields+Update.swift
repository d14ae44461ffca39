/// The `managedFields` an Update (create, PUT, patch) records, as the real field manager does: the
/// manager owns every field it set or changed; fields it changed are taken from other managers;
/// fields removed are owned by no one. Field sets follow structured-merge-diff: a node that is not
/// in a new, empty object of the kind (a pointer, a map, a list element, or anything below one)
/// is owned itself (`"."`) as well as its leaves; list elements are `k:{…}` by their keys or `v:…`
/// for sets; atomic lists and structs are owned whole.
extension ManagedFields {
    /// The fields an object sets, typed by ``FieldSchema`` for built-in kinds (`type` from
    /// ``FieldSchema/rootType(apiVersion:kind:)``); a custom resource's lists follow its CRD
    /// schema's `x-kubernetes-list-type` (`crdSchema`), and are atomic without one.
    public static func fieldSet(of object: JSONValue, type: String?, crdSchema: JSONValue? = nil, status: Bool) -> Set<Path> {
        var out: Set<Path> = []
        guard case .object(let root) = object else { return out }
        let rootType = type.flatMap { FieldSchema.types[$0] }
        for (key, value) in root {
            switch key {
            case "apiVersion", "kind": continue
            case "status" where !status: continue
            case "metadata" where !status:
                let metaType = FieldSchema.types["meta/v1.ObjectMeta"]
                for (metaKey, metaValue) in value.objectValue ?? [:] where !serverOwnedMetadata.contains(metaKey) {
                    walk(metaValue, field: metaType?.fields[metaKey], node: nil, inZero: false, prefix: ["f:metadata", "f:\(metaKey)"], into: &out)
                }
            case "metadata": continue
            default:
                if status && key != "status" { continue }
                walk(value, field: rootType?.fields[key], node: crdSchema?["properties"]?[key], inZero: rootType != nil, prefix: ["f:\(key)"], into: &out)
            }
        }
        return out
    }

    /// Metadata no manager owns (structured-merge-diff strips it before comparing).
    static let serverOwnedMetadata: Set<String> = [
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields", "resourceVersion",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    /// - Parameters:
    ///   - field: the member's Go field (built-in kinds), `node` its CRD schema (custom resources).
    ///   - inZero: whether the node exists in a new, empty object of the kind (value structs reached
    ///     from the root through value structs only), so that setting it does not own it.
    private static func walk(_ value: JSONValue, field: FieldSchema.Field?, node: JSONValue?, inZero: Bool, prefix: Path, into out: inout Set<Path>) {
        if value.isNull { return }
        let structType = field.flatMap { $0.shape == .value || $0.shape == .pointer ? FieldSchema.types[$0.type] : nil }
        switch value {
        case .object(let members) where !members.isEmpty:
            if let field, field.shape == .map {
                if field.atomicMap { out.insert(prefix); return }
                if !(inZero && field.required) { out.insert(prefix + ["."]) }
                let element = FieldSchema.Field(shape: .value, type: field.type)
                for (key, child) in members { walk(child, field: element, node: nil, inZero: false, prefix: prefix + ["f:\(key)"], into: &out) }
                return
            }
            if structType?.atomic == true || node?["x-kubernetes-map-type"]?.stringValue == "atomic" { out.insert(prefix); return }
            let selfInZero = inZero && field?.shape == .value
            if !selfInZero { out.insert(prefix + ["."]) }
            for (key, child) in members {
                let childNode = node?["properties"]?[key] ?? node?["additionalProperties"]
                walk(child, field: structType?.fields[key], node: childNode, inZero: selfInZero, prefix: prefix + ["f:\(key)"], into: &out)
            }
        case .array(let elements) where !elements.isEmpty:
            var list = field
            if list == nil, let node {
                // A custom resource's list: its CRD says how it merges.
                switch node["x-kubernetes-list-type"]?.stringValue {
                case "map":
                    list = FieldSchema.Field(shape: .list, type: "raw", listType: .map,
                                             keys: node["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                case "set": list = FieldSchema.Field(shape: .list, type: "raw", listType: .set)
                default: break
                }
            }
            guard let list, list.shape == .list, list.listType != .atomic else { out.insert(prefix); return }
            // The list itself is owned too, unless a new object has it (as null).
            if !(inZero && list.required) { out.insert(prefix + ["."]) }
            if list.listType == .set {
                for element in elements { out.insert(prefix + ["v:" + element.serialized(.init(sortedKeys: true))]) }
                return
            }
            let elementType = FieldSchema.types[list.type]
            let elementNode = node?["items"]
            for element in elements {
                var identity: JSONObject = [:]
                for key in list.keys { if let v = element[key] { identity[key] = v } }
                let item = prefix + ["k:" + JSONValue.object(identity).serialized(.init(sortedKeys: true))]
                if elementType?.atomic == true {
                    out.insert(item)  // an atomic element (an owner reference) is owned whole
                    continue
                }
                out.insert(item + ["."])
                for (key, child) in element.objectValue ?? [:] {
                    walk(child, field: elementType?.fields[key], node: elementNode?["properties"]?[key], inZero: false, prefix: item + ["f:\(key)"], into: &out)
                }
            }
        default:
            out.insert(prefix)
        }
    }

    /// The entries after `manager` wrote `new` over `old` (nil on create) with an Update.
    /// - Parameter subresource: `status` for a status write (owned separately, as the real
    ///   server records `subresource: status`).
    public static func recordUpdate(
        old: JSONObject?, new: JSONObject, manager: String, apiVersion: String, type: String?, crdSchema: JSONValue? = nil,
        subresource: String?, now: String
    ) -> [JSONValue] {
        var entries = (old?["metadata"]?["managedFields"]?.arrayValue ?? []).compactMap(\.objectValue)
        let isStatus = subresource == "status"
        // Only members that differ can change ownership: the rest is not walked.
        let (oldPart, newPart) = old.map { differingMembers($0, new) } ?? ([:], new)
        let oldValue = JSONValue.object(oldPart)
        let newValue = JSONValue.object(newPart)
        let oldSet = fieldSet(of: oldValue, type: type, crdSchema: crdSchema, status: isStatus)
        let newSet = fieldSet(of: newValue, type: type, crdSchema: crdSchema, status: isStatus)
        let removed = oldSet.subtracting(newSet)
        let changed = newSet.filter { path in
            guard oldSet.contains(path) else { return true }
            return path.last != "." && value(at: path, in: oldValue) != value(at: path, in: newValue)
        }
        guard !changed.isEmpty || !removed.isEmpty else { return entries.map(JSONValue.object) }
        let taken = changed.union(removed)
        var mine: Set<Path> = []
        var mineIndex: Int?
        for (i, entry) in entries.enumerated() {
            let isMine = entry["manager"]?.stringValue == manager && entry["operation"]?.stringValue == "Update"
                && (entry["subresource"]?.stringValue == "status") == isStatus
            var owned = decode(entry["fieldsV1"] ?? [:])
            if isMine {
                mine = owned.subtracting(removed)
                mineIndex = i
                continue
            }
            guard (entry["subresource"]?.stringValue == "status") == isStatus, !owned.isDisjoint(with: taken) else { continue }
            owned.subtract(taken)
            entries[i]["fieldsV1"] = encode(owned)
        }
        mine.formUnion(changed)
        var entry: JSONObject = [
            "manager": .string(manager), "operation": "Update", "apiVersion": .string(apiVersion),
            "time": .string(now), "fieldsType": "FieldsV1", "fieldsV1": encode(mine),
        ]
        if isStatus { entry["subresource"] = "status" }
        if let mineIndex { entries[mineIndex] = entry } else { entries.append(entry) }
        // An entry that owns nothing goes. (Its fields decode to no path exactly when they are not a
        // non-empty object: any member is a path. Checked without decoding every entry.)
        entries.removeAll { $0["fieldsV1"]?.objectValue?.isEmpty ?? true }
        return sorted(entries).map(JSONValue.object)
    }

    /// The top-level members (and metadata members) of two versions of an object that differ,
    /// each side with only those.
    static func differingMembers(_ old: JSONObject, _ new: JSONObject) -> (JSONObject, JSONObject) {
        var a = JSONObject()
        var b = JSONObject()
        for key in Set(old.keys).union(new.keys) {
            if key == "metadata" {
                let oldMeta = old[key]?.objectValue ?? [:]
                let newMeta = new[key]?.objectValue ?? [:]
                var ma = JSONObject()
                var mb = JSONObject()
                for metaKey in Set(oldMeta.keys).union(newMeta.keys) where !serverOwnedMetadata.contains(metaKey) && oldMeta[metaKey] != newMeta[metaKey] {
                    ma[metaKey] = oldMeta[metaKey]
                    mb[metaKey] = newMeta[metaKey]
                }
                a[key] = .object(ma)
                b[key] = .object(mb)
            } else if old[key] != new[key] {
                a[key] = old[key]
                b[key] = new[key]
            }
        }
        return (a, b)
    }

    /// The order the real field manager keeps entries in: by operation (Apply first), time,
    /// manager, apiVersion, then subresource.
    public static func sorted(_ entries: [JSONObject]) -> [JSONObject] {
        func key(_ e: JSONObject) -> [String] {
            ["operation", "time", "manager", "apiVersion", "subresource"].map { e[$0]?.stringValue ?? "" }
        }
        return entries.sorted { key($0).lexicographicallyPrecedes(key($1)) }
    }
}
