/// How the lists of an object merge, from its kind's schema, as the real server decides it: for
/// a built-in kind, its Go types' patch strategy and merge key (strategic merge patch) or list
/// type and keys (server-side apply), from ``FieldSchema``; for a custom resource, its CRD
/// schema's `x-kubernetes-list-type` and `x-kubernetes-list-map-keys` (lists without one are
/// atomic); for a kind neither knows, the merge keys of the built-in types by field name.
public enum MergeSchema: Sendable, Equatable {
    /// A built-in kind's Go type; `nil` below a field the type does not describe.
    case builtin(String?)
    /// A custom resource's structural schema node; `nil` below a field it does not describe.
    case openAPI(JSONValue?)
    /// Unknown kinds: ``StrategicMergePatch/mergeKeys`` by field name.
    case byFieldName

    public enum ListMerge: Equatable, Sendable {
        /// Elements are identified by these fields and merged one by one.
        case byKeys([String])
        /// Scalars merged as a set.
        case set
        /// The list is replaced whole.
        case replace
    }

    /// The schema of a kind: built-in when ``FieldSchema`` knows it, else the CRD's schema.
    public static func forKind(apiVersion: String, kind: String, crdSchema: JSONValue?) -> MergeSchema {
        if let crdSchema { return .openAPI(crdSchema) }
        if let type = FieldSchema.rootType(apiVersion: apiVersion, kind: kind) { return .builtin(type) }
        return .byFieldName
    }

    /// The schema of an object member.
    public func child(_ field: String) -> MergeSchema {
        switch self {
        case .builtin(let type):
            guard let type, let info = FieldSchema.types[type]?.fields[field] else { return .builtin(nil) }
            return .builtin(FieldSchema.types[info.type] != nil ? info.type : nil)
        case .openAPI(let node):
            // A custom resource's metadata is an ObjectMeta whatever its schema says.
            if field == "metadata" { return .builtin("meta/v1.ObjectMeta") }
            return .openAPI(node?["properties"]?[field])
        case .byFieldName:
            return .byFieldName
        }
    }

    /// The schema of an element of the list (or a value of the map) `field`, from the schema of
    /// the object holding it.
    public func element(_ field: String) -> MergeSchema {
        switch self {
        case .builtin(let type):
            guard let type, let info = FieldSchema.types[type]?.fields[field], FieldSchema.types[info.type] != nil else { return .builtin(nil) }
            return .builtin(info.type)
        case .openAPI(let node):
            let property = node?["properties"]?[field]
            return .openAPI(property?["items"] ?? property?["additionalProperties"])
        case .byFieldName:
            return .byFieldName
        }
    }

    /// How the list `field` of an object with this schema merges: by `strategic` merge patch
    /// rules (patch strategy and merge key) or by server-side apply's (list type and keys).
    public func listMerge(_ field: String, elements: [JSONValue], strategic: Bool) -> ListMerge {
        switch self {
        case .builtin(let type):
            guard let type, let info = FieldSchema.types[type]?.fields[field], info.shape == .list else { return .replace }
            if strategic {
                guard info.patchStrategy?.split(separator: ",").contains("merge") == true else { return .replace }
                if let key = info.mergeKey { return .byKeys([key]) }
                return .set
            }
            switch info.listType {
            case .map: return .byKeys(info.keys)
            case .set: return .set
            case .atomic: return .replace
            }
        case .openAPI(let node):
            let property = node?["properties"]?[field]
            switch property?["x-kubernetes-list-type"]?.stringValue {
            case "map": return .byKeys(property?["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            case "set": return .set
            default: return .replace
            }
        case .byFieldName:
            if StrategicMergePatch.mergedPrimitiveLists.contains(field) { return .set }
            if field == "ports" {
                // Container ports merge by containerPort, service ports by port.
                if elements.contains(where: { $0["containerPort"] != nil }) { return .byKeys(["containerPort"]) }
                if elements.contains(where: { $0["port"] != nil }) { return .byKeys(["port"]) }
                return .replace
            }
            guard let key = StrategicMergePatch.mergeKeys[field], !key.isEmpty else { return .replace }
            return .byKeys([key])
        }
    }
}
