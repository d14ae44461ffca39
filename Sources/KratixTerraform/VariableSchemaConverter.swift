import KubeModel

/// Turns module variables into the CRD `spec` schema exactly as upstream's `kratix init
/// tf-module-promise` does (the spec's table, first match wins, same warnings).
///
/// The mapping works on the type's normalised *text*, as upstream's does, so corner cases such
/// as "any type text containing `object` loses its default" come out the same.
public enum VariableSchemaConverter {
    public static func specSchema(for variables: [TerraformVariable]) -> CRDSpecSchema {
        var properties = JSONObject()
        var warnings: [String] = []
        for variable in variables {
            var typeText = variable.typeText.trimmingSpaces
            if typeText.isEmpty {
                guard let value = variable.defaultValue, let inferred = inferType(from: value) else {
                    warnings.append("warning: Type not set for variable \(variable.name) and cannot be inferred from the default value, skipping")
                    continue
                }
                typeText = inferred
            }
            guard var property = schema(forTypeText: typeText) else {
                warnings.append("warning: unable to automatically convert \(variable.name) of type \(typeText) into CRD, skipping")
                continue
            }
            if let description = variable.description, !description.isEmpty {
                property["description"] = .string(description)
            }
            if let value = variable.defaultValue {
                if typeText.contains("object") {
                    warnings.append("warning: default value for variable \(variable.name) is set but type \(typeText) does not support defaults, skipping")
                } else {
                    property["default"] = upstreamDefault(value, typeText: typeText)
                }
            }
            properties[variable.name] = property
        }
        return CRDSpecSchema(schema: CRDSpecSchema.spec(properties: properties), warnings: warnings)
    }

    /// The property for a type text, or nil when upstream drops the variable.
    public static func schema(forTypeText text: String) -> JSONValue? {
        let t = text.trimmingSpaces
        switch t {
        case "string": return ["type": "string"]
        case "number": return ["type": "number"]
        case "bool", "boolean": return ["type": "boolean"]
        default: break
        }
        if let inner = argument(of: "list", in: t) {
            guard let items = schema(forTypeText: inner) else { return nil }
            return ["type": "array", "items": items]
        }
        if let inner = argument(of: "map", in: t) {
            guard let values = schema(forTypeText: inner) else {
                return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            }
            return ["type": "object", "additionalProperties": values]
        }
        if t.hasPrefix("object(") {
            return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        }
        return nil
    }

    static func argument(of constructor: String, in text: String) -> String? {
        guard text.hasPrefix(constructor + "("), text.hasSuffix(")") else { return nil }
        return String(text.dropFirst(constructor.count + 1).dropLast()).trimmingSpaces
    }

    /// `map(string)` and `list(map(string))` defaults are stringified Go-`%v` style; everything
    /// else is emitted as declared, even when it disagrees with the type (upstream does no coercion).
    static func upstreamDefault(_ value: JSONValue, typeText: String) -> JSONValue {
        func stringifiedMap(_ v: JSONValue) -> JSONValue {
            guard case .object(let o) = v else { return v }
            return .object(o.mapValues { .string(GoValueFormat.string($0)) })
        }
        switch typeText {
        case "map(string)": return stringifiedMap(value)
        case "list(map(string))":
            guard case .array(let elements) = value else { return value }
            return .array(elements.map(stringifiedMap))
        default: return value
        }
    }

    /// Upstream's `inferTypeFromDefault`. Its parser turns a list whose first element is a
    /// primitive into a typed Go slice that inference does not recognise, so such lists (and
    /// maps) are not inferable, and other lists infer to text that is later dropped.
    static func inferType(from value: JSONValue) -> String? {
        switch value {
        case .string: return "string"
        case .int, .double, .number: return "number"
        case .bool: return "boolean"
        case .array(let elements):
            guard let first = elements.first else { return "list" }
            if isPrimitive(first) { return nil }
            return inferType(from: first).map { "list(\($0))" } ?? "list"
        default: return nil
        }
    }

    static func isPrimitive(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .double, .number, .bool: return true
        default: return false
        }
    }
}
