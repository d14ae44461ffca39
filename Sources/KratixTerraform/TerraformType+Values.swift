import KubeModel

extension TerraformType {
    var isPrimitive: Bool {
        switch self {
        case .string, .number, .bool: return true
        default: return false
        }
    }

    /// The type as Terraform writes it, for messages.
    public var text: String {
        switch self {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "bool"
        case .any: return "any"
        case .list(let t): return "list(\(t.text))"
        case .set(let t): return "set(\(t.text))"
        case .map(let t): return "map(\(t.text))"
        case .tuple(let ts): return "tuple([\(ts.map(\.text).joined(separator: ", "))])"
        case .object(let attributes):
            let fields = attributes.map { a -> String in
                guard a.optional else { return "\(a.name) = \(a.type.text)" }
                if let d = a.defaultValue { return "\(a.name) = optional(\(a.type.text), \(d))" }
                return "\(a.name) = optional(\(a.type.text))"
            }
            return "object({\(fields.joined(separator: ", "))})"
        }
    }

    /// Converts a value to this type the way Terraform converts a variable's default: numbers and
    /// bools become strings where strings are wanted (and back), optional attributes take their
    /// defaults, extra object attributes are dropped. Nil when the value cannot conform.
    public func convert(_ value: JSONValue) -> JSONValue? {
        if value.isNull { return nil }
        switch self {
        case .any: return value
        case .string:
            switch value {
            case .string: return value
            case .bool(let b): return .string(b ? "true" : "false")
            case .int, .double, .number: return .string(HCLEvaluator.numberText(value))
            default: return nil
            }
        case .number:
            switch value {
            case .int, .double, .number: return value
            case .string(let s): return HCLEvaluator.number(s.trimmingSpaces)
            default: return nil
            }
        case .bool:
            switch value {
            case .bool: return value
            case .string("true"): return .bool(true)
            case .string("false"): return .bool(false)
            default: return nil
            }
        case .list(let element), .set(let element):
            guard case .array(let elements) = value else { return nil }
            var out: [JSONValue] = []
            for e in elements {
                guard let c = element.convert(e) else { return nil }
                out.append(c)
            }
            return .array(out)
        case .tuple(let types):
            guard case .array(let elements) = value, elements.count == types.count else { return nil }
            var out: [JSONValue] = []
            for (t, e) in zip(types, elements) {
                guard let c = t.convert(e) else { return nil }
                out.append(c)
            }
            return .array(out)
        case .map(let element):
            guard case .object(let members) = value else { return nil }
            var out = JSONObject()
            for (k, v) in members {
                guard let c = element.convert(v) else { return nil }
                out[k] = c
            }
            return .object(out)
        case .object(let attributes):
            guard case .object(let members) = value else { return nil }
            var out = JSONObject()
            for attribute in attributes {
                if let v = members[attribute.name], !v.isNull {
                    guard let c = attribute.type.convert(v) else { return nil }
                    out[attribute.name] = c
                } else if attribute.optional {
                    if let d = attribute.defaultValue, let c = attribute.type.convert(d) { out[attribute.name] = c }
                } else {
                    return nil
                }
            }
            return .object(out)
        }
    }
}

/// Infers a type for an untyped default, as Terraform would see it, but preferring the shapes a
/// CRD can use: lists of one element type, maps for uniform string-keyed values.
enum TerraformTypeInference {
    static func type(of value: JSONValue) -> TerraformType {
        switch value {
        case .null: return .any
        case .string: return .string
        case .int, .double, .number: return .number
        case .bool: return .bool
        case .array(let elements):
            let types = elements.map(type(of:))
            guard let first = types.first else { return .list(.any) }
            if types.allSatisfy({ $0 == first }) { return .list(first) }
            if let merged = mergedObject(types) { return .list(merged) }
            return .tuple(types)
        case .object(let members):
            let types = members.values.map(type(of:))
            guard let first = types.first else { return .map(.any) }
            if first.isPrimitive && types.allSatisfy({ $0 == first }) { return .map(first) }
            return .object(members.map { TerraformObjectAttribute(name: $0.key, type: type(of: $0.value), optional: true) })
        }
    }

    /// Objects with different attribute sets merge into one whose attributes are all optional;
    /// an attribute seen with two types becomes `any`.
    static func mergedObject(_ types: [TerraformType]) -> TerraformType? {
        var merged: [TerraformObjectAttribute] = []
        for type in types {
            guard case .object(let attributes) = type else { return nil }
            for attribute in attributes {
                if let i = merged.firstIndex(where: { $0.name == attribute.name }) {
                    if merged[i].type != attribute.type { merged[i].type = .any }
                } else {
                    merged.append(TerraformObjectAttribute(name: attribute.name, type: attribute.type, optional: true))
                }
            }
        }
        return .object(merged)
    }
}
