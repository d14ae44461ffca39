import KubeModel

/// `--typed-objects`: variables become full schemas from their decoded types instead of upstream's
/// text table. `object({...})` gets properties (with `required` for non-optional attributes and
/// `default` from `optional(type, default)`), `set(X)` and `tuple([...])` become arrays, `any`
/// keeps unknown fields, defaults are converted to the type as Terraform converts them (and kept
/// for object types), and untyped defaults have their type inferred, lists included.
public enum TypedSchemaConverter {
    public static func specSchema(for variables: [TerraformVariable]) -> CRDSpecSchema {
        var properties = JSONObject()
        var warnings: [String] = []
        for variable in variables {
            let type: TerraformType
            if let declared = variable.type {
                type = declared
            } else if let value = variable.defaultValue {
                type = TerraformTypeInference.type(of: value)
            } else {
                warnings.append("warning: Type not set for variable \(variable.name) and cannot be inferred from the default value, skipping")
                continue
            }
            var property = schema(for: type)
            if let description = variable.description, !description.isEmpty {
                property["description"] = .string(description)
            }
            if let value = variable.defaultValue {
                if let converted = type.convert(value) {
                    property["default"] = converted
                } else {
                    warnings.append("warning: default value for variable \(variable.name) does not conform to type \(type.text), skipping the default")
                }
            }
            properties[variable.name] = property
        }
        return CRDSpecSchema(schema: CRDSpecSchema.spec(properties: properties), warnings: warnings)
    }

    /// A structural schema for a type.
    public static func schema(for type: TerraformType) -> JSONValue {
        switch type {
        case .string: return ["type": "string"]
        case .number: return ["type": "number"]
        case .bool: return ["type": "boolean"]
        case .any: return ["x-kubernetes-preserve-unknown-fields": true]
        case .list(let element):
            return ["type": "array", "items": schema(for: element)]
        case .set(let element):
            var out: JSONValue = ["type": "array", "items": schema(for: element)]
            // Kubernetes only accepts list-type set for scalar items; that is also where it matters.
            if element.isPrimitive { out["x-kubernetes-list-type"] = "set" }
            return out
        case .tuple(let elements):
            let items: JSONValue
            if let first = elements.first, elements.allSatisfy({ $0 == first }) {
                items = schema(for: first)
            } else {
                items = ["x-kubernetes-preserve-unknown-fields": true]
            }
            return ["type": "array", "items": items, "minItems": .int(Int64(elements.count)), "maxItems": .int(Int64(elements.count))]
        case .map(.any):
            return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        case .map(let element):
            return ["type": "object", "additionalProperties": schema(for: element)]
        case .object(let attributes):
            var properties = JSONObject()
            var required: [JSONValue] = []
            for attribute in attributes {
                var property = schema(for: attribute.type)
                if let value = attribute.defaultValue, let converted = attribute.type.convert(value) {
                    property["default"] = converted
                }
                properties[attribute.name] = property
                if !attribute.optional { required.append(.string(attribute.name)) }
            }
            var out: JSONValue = ["type": "object", "properties": .object(properties)]
            if !required.isEmpty { out["required"] = .array(required) }
            return out
        }
    }
}
