/// Checks the rules the API server applies to CRD schemas ("structural schemas"), so a CRD that a
/// real cluster would reject is caught before it is shipped or served.
///
/// Rules checked: every node specifies a `type` (unless it is `x-kubernetes-int-or-string` or
/// `x-kubernetes-preserve-unknown-fields`); `properties` and `additionalProperties` are not both set;
/// `items` is a single schema; at the root only `apiVersion`, `kind`, `metadata`, and the object's own
/// fields appear, and `metadata` restricts at most `name` and `generateName`; `x-kubernetes-*` extensions
/// sit on compatible types; no forbidden keywords (`$ref`, `definitions`, `dependencies`, …).
public enum StructuralSchema {
    private static let forbidden: Set<String> = [
        "$ref", "$schema", "definitions", "dependencies", "id", "patternProperties", "additionalItems",
    ]

    /// Every violation, each prefixed with the JSON path of the offending node. Empty when structural.
    public static func problems(in schema: JSONValue) -> [String] {
        var out: [String] = []
        check(schema, path: "openAPIV3Schema", isRoot: true, into: &out)
        return out
    }

    private static func check(_ node: JSONValue, path: String, isRoot: Bool, into out: inout [String]) {
        guard case .object(let o) = node else {
            out.append("\(path): a schema must be an object")
            return
        }
        for key in o.keys where forbidden.contains(key) {
            out.append("\(path).\(key): forbidden in a structural schema")
        }
        let type = o["type"]?.stringValue
        let preserve = o["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        let intOrString = o["x-kubernetes-int-or-string"]?.boolValue == true
        if type == nil && !preserve && !intOrString {
            out.append("\(path).type: must not be empty (set a type, or x-kubernetes-preserve-unknown-fields)")
        }
        if let t = type, !["object", "array", "string", "integer", "number", "boolean"].contains(t) {
            out.append("\(path).type: unsupported type \"\(t)\"")
        }
        if intOrString && type != nil {
            out.append("\(path): x-kubernetes-int-or-string needs an empty type")
        }
        if o["properties"] != nil && o["additionalProperties"] != nil {
            out.append("\(path): properties and additionalProperties are mutually exclusive")
        }
        if (o["x-kubernetes-embedded-resource"]?.boolValue ?? false) && type != "object" {
            out.append("\(path): x-kubernetes-embedded-resource needs type object")
        }
        if o["x-kubernetes-list-type"] != nil && type != "array" {
            out.append("\(path): x-kubernetes-list-type needs type array")
        }
        if o["x-kubernetes-map-type"] != nil && type != "object" {
            out.append("\(path): x-kubernetes-map-type needs type object")
        }
        if let listType = o["x-kubernetes-list-type"]?.stringValue, !["atomic", "set", "map"].contains(listType) {
            out.append("\(path).x-kubernetes-list-type: must be atomic, set or map")
        }
        if o["x-kubernetes-list-type"]?.stringValue == "map", o["x-kubernetes-list-map-keys"] == nil {
            out.append("\(path): x-kubernetes-list-type map needs x-kubernetes-list-map-keys")
        }
        if let items = o["items"] {
            if case .array = items {
                out.append("\(path).items: must be a single schema, not a list")
            } else {
                check(items, path: "\(path).items", isRoot: false, into: &out)
            }
        } else if type == "array" {
            out.append("\(path).items: must be specified for arrays")
        }
        if let additional = o["additionalProperties"] {
            if case .object = additional {
                check(additional, path: "\(path).additionalProperties", isRoot: false, into: &out)
            } else if additional.boolValue == false {
                out.append("\(path).additionalProperties: false is not allowed")
            }
        }
        if case .object(let properties)? = o["properties"] {
            for (name, child) in properties {
                if isRoot && name == "metadata" {
                    checkRootMetadata(child, path: "\(path).properties.metadata", into: &out)
                }
                check(child, path: "\(path).properties.\(name)", isRoot: false, into: &out)
            }
        }
        for combinator in ["allOf", "anyOf", "oneOf"] {
            guard case .array(let branches)? = o[combinator] else { continue }
            for (i, branch) in branches.enumerated() {
                guard case .object(let b) = branch else { continue }
                // The int-or-string exception: `anyOf: [{type: integer}, {type: string}]` (also inside allOf).
                let intOrStringBranch = intOrString && (b["type"] == "integer" || b["type"] == "string") && b.count == 1
                if intOrStringBranch { continue }
                if intOrString, combinator == "allOf", b.keys.allSatisfy({ $0 == "anyOf" }) { continue }
                for key in ["type", "default", "description", "nullable", "additionalProperties"] where b[key] != nil {
                    out.append("\(path).\(combinator)[\(i)].\(key): must not be set inside \(combinator)")
                }
            }
        }
        if isRoot, type != "object" {
            out.append("\(path).type: the root schema must be of type object")
        }
    }

    private static func checkRootMetadata(_ node: JSONValue, path: String, into out: inout [String]) {
        guard case .object(let o) = node else { return }
        if case .object(let props)? = o["properties"] {
            for name in props.keys where name != "name" && name != "generateName" {
                out.append("\(path).properties.\(name): only name and generateName may be restricted in metadata")
            }
        }
        for key in o.keys where !["type", "properties", "description"].contains(key) {
            out.append("\(path).\(key): not allowed on metadata")
        }
    }
}
