import KubeModel

/// A chart's default values as the `spec` schema of the Promise's CRD, by upstream's table: the
/// type of each value becomes the property type; maps stay open
/// (`x-kubernetes-preserve-unknown-fields`) because charts accept keys their defaults lack.
public enum HelmValuesSchema {
    /// The root: `{type: object, default: {}, properties}`. Empty `properties` are left out, as Go's
    /// `omitempty` leaves them out.
    public static func schema(for values: JSONObject) throws(AuthoringError) -> JSONValue {
        var root: JSONObject = ["default": .object([:]), "type": "object"]
        let properties = try self.properties(values)
        if !properties.isEmpty { root["properties"] = .object(properties) }
        return .object(root)
    }

    static func properties(_ values: JSONObject) throws(AuthoringError) -> JSONObject {
        var out = JSONObject()
        for (key, value) in values { out[key] = try schema(of: value) }
        return out
    }

    static func schema(of value: JSONValue) throws(AuthoringError) -> JSONValue {
        switch value {
        case .string: return ["type": "string"]
        // Helm reads values as JSON, so every number is a float64: integers become `number` too.
        case .int, .double, .number: return ["type": "number"]
        case .bool: return ["type": "boolean"]
        case .object(let members):
            var schema: JSONObject = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            let properties = try self.properties(members)
            if !properties.isEmpty { schema["properties"] = .object(properties) }
            return .object(schema)
        case .array(let items):
            var item: JSONValue = ["x-kubernetes-int-or-string": true]
            if let first = items.first { item = try schema(of: first) }
            return ["items": item, "type": "array"]
        case .null:
            return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        }
    }
}
