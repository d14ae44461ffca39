import KubeModel

/// What a trip through upstream's Go types does to a document before it is marshalled.
///
/// kratix-cli decodes CRDs into `apiextensionsv1.CustomResourceDefinition` and Promises into
/// `v1alpha1.Promise` and marshals those, so fields tagged `omitempty` vanish when empty (a schema's
/// `properties: {}` or `properties: null`), non-`omitempty` ones appear when absent (a CRD's
/// `status.acceptedNames`, a Promise's `status.workflows: 0`). The goldens show those bytes, so the
/// same shaping is done here on ``JSONValue``s.
public enum GoTypedShape {
    /// `JSONSchemaProps` after decode and encode: empty strings, lists and maps, `false` for the
    /// plain booleans, and `null` are dropped, recursively through every nested schema.
    public static func schema(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var out: JSONObject = [:]
        for (key, field) in object {
            switch (key, field) {
            case (_, .null): continue
            case (_, .string("")) where key != "default" && key != "example": continue
            case (_, .array(let a)) where a.isEmpty && key != "default" && key != "example": continue
            case (_, .object(let o)) where o.isEmpty && schemaMapKeys.contains(key): continue
            case (_, .bool(false)) where omittedFalse.contains(key): continue
            case _ where schemaMapKeys.contains(key):
                guard case .object(let map) = field else { out[key] = field; continue }
                var shaped: JSONObject = [:]
                for (name, nested) in map { shaped[name] = schema(nested) }
                out[key] = .object(shaped)
            case _ where schemaListKeys.contains(key):
                out[key] = field.arrayValue.map { .array($0.map(schema)) } ?? field
            case ("items", _), ("not", _), ("additionalProperties", _), ("additionalItems", _):
                out[key] = field.objectValue == nil ? field : schema(field)
            default:
                out[key] = field
            }
        }
        return .object(out)
    }

    static let schemaMapKeys: Set<String> = ["properties", "patternProperties", "definitions", "dependencies"]
    static let schemaListKeys: Set<String> = ["allOf", "anyOf", "oneOf"]
    static let omittedFalse: Set<String> = [
        "nullable", "uniqueItems", "exclusiveMaximum", "exclusiveMinimum", "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string",
    ]

    /// A `CustomResourceDefinition` after decode and encode: `metadata` without empty members,
    /// `spec.names.plural`/`kind` always present, each version's `served`/`storage` always present and
    /// its schema shaped, and the zero `status` Go writes for a CRD never applied.
    public static func crd(_ value: JSONValue) -> JSONValue {
        var crd = value
        crd["apiVersion"] = value["apiVersion"] ?? "apiextensions.k8s.io/v1"
        crd["kind"] = value["kind"] ?? "CustomResourceDefinition"
        crd["metadata"] = objectMeta(value["metadata"])
        var spec = value["spec"]?.objectValue ?? [:]
        var names = spec["names"]?.objectValue ?? [:]
        names["plural"] = names["plural"] ?? ""
        names["kind"] = names["kind"] ?? ""
        spec["names"] = .object(dropEmpty(names))
        spec["group"] = spec["group"] ?? ""
        spec["scope"] = spec["scope"] ?? ""
        if let versions = spec["versions"]?.arrayValue {
            spec["versions"] = .array(versions.map { version in
                var v = version.objectValue ?? [:]
                v["name"] = v["name"] ?? ""
                v["served"] = v["served"] ?? false
                v["storage"] = v["storage"] ?? false
                if let open = v["schema"]?["openAPIV3Schema"] {
                    v["schema"] = ["openAPIV3Schema": schema(open)]
                }
                return .object(dropEmpty(v))
            })
        } else {
            spec["versions"] = .null
        }
        crd["spec"] = .object(spec)
        var status = value["status"]?.objectValue ?? [:]
        var accepted = status["acceptedNames"]?.objectValue ?? [:]
        accepted["kind"] = accepted["kind"] ?? ""
        accepted["plural"] = accepted["plural"] ?? ""
        status["acceptedNames"] = .object(accepted)
        status["conditions"] = status["conditions"] ?? .null
        status["storedVersions"] = status["storedVersions"] ?? .null
        crd["status"] = .object(status)
        return crd
    }

    /// `ObjectMeta` after decode and encode: only its non-empty members.
    public static func objectMeta(_ value: JSONValue?) -> JSONValue {
        .object(dropEmpty(value?.objectValue ?? [:]))
    }

    /// A `v1alpha1.Promise` after decode and encode: `spec.workflows` with its `config`, `promise`
    /// and `resource` members, empty `dependencies`/`destinationSelectors`/`api` dropped, and the
    /// status counters Go always writes.
    public static func promise(_ value: JSONValue) -> JSONValue {
        var promise = value
        promise["metadata"] = objectMeta(value["metadata"])
        var spec = value["spec"]?.objectValue ?? [:]
        for key in ["api", "dependencies", "destinationSelectors", "requiredPromises"] {
            if let field = spec[key], isEmpty(field) { spec.removeValue(forKey: key) }
        }
        if let selectors = spec["destinationSelectors"]?.arrayValue {
            // `PromiseScheduling.matchLabels` is `omitempty`.
            spec["destinationSelectors"] = .array(selectors.map { selector in
                guard case .object(let fields) = selector else { return selector }
                return .object(fields.filter { !($0.key == "matchLabels" && isEmpty($0.value)) })
            })
        }
        var workflows = spec["workflows"]?.objectValue ?? [:]
        workflows["config"] = workflows["config"] ?? .object([:])
        for lifecycle in ["promise", "resource"] {
            var actions = workflows[lifecycle]?.objectValue ?? [:]
            for action in ["configure", "delete"] {
                if let pipelines = actions[action], isEmpty(pipelines) { actions.removeValue(forKey: action) }
            }
            workflows[lifecycle] = .object(actions)
        }
        spec["workflows"] = .object(workflows)
        promise["spec"] = .object(spec)
        var status = value["status"]?.objectValue ?? [:]
        for counter in ["workflows", "workflowsFailed", "workflowsSucceeded"] {
            status[counter] = status[counter] ?? 0
        }
        promise["status"] = .object(status)
        return promise
    }

    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        default: return false
        }
    }

    static func dropEmpty(_ object: JSONObject) -> JSONObject {
        object.filter { !isEmpty($0.value) }
    }
}
