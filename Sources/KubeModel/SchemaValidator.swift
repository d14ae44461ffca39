import Foundation

/// Applies a CRD's structural schema to an object the way the API server does on every write:
/// prune unknown fields, apply defaults, then validate. Problems are reported per field, in the
/// API server's wording, so `kubectl` users see familiar messages.
public struct SchemaValidator: Sendable {
    public let schema: JSONValue

    public init(schema: JSONValue) {
        self.schema = schema
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// The object pruned and defaulted, plus everything invalid about it.
    public func apply(to object: JSONValue) -> (value: JSONValue, problems: [Problem]) {
        var value = prune(object, schema, isRoot: true)
        value = applyDefaults(value, schema)
        var problems: [Problem] = []
        validate(value, schema, path: "", isRoot: true, into: &problems)
        return (value, problems)
    }

    /// The fields pruning would drop, as dotted paths (`spec.unknownField`, `spec.items[0].x`): what
    /// `fieldValidation=Strict` rejects and `Warn` reports.
    public func unknownFields(in object: JSONValue) -> [String] {
        var paths: [String] = []
        _ = prune(object, schema, isRoot: true, path: "", unknown: &paths)
        return paths
    }

    // MARK: Pruning

    private func prune(_ value: JSONValue, _ schema: JSONValue, isRoot: Bool = false) -> JSONValue {
        var ignored: [String] = []
        return prune(value, schema, isRoot: isRoot, path: nil, unknown: &ignored)
    }

    /// `path` is nil when nobody collects unknown fields (every ordinary write): no strings are built.
    private func prune(_ value: JSONValue, _ schema: JSONValue, isRoot: Bool, path: String?, unknown: inout [String]) -> JSONValue {
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        let embedded = schema["x-kubernetes-embedded-resource"]?.boolValue == true
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            var out = JSONObject()
            for (key, child) in object {
                if isRoot || embedded, key == "apiVersion" || key == "kind" {
                    out[key] = child
                } else if isRoot || embedded, key == "metadata" {
                    out[key] = child  // metadata is the server's; only name/generateName are restricted
                } else if let childSchema = properties?[key] {
                    out[key] = prune(child, childSchema, isRoot: false, path: join(path, key), unknown: &unknown)
                } else if case .object? = additional {
                    out[key] = prune(child, additional!, isRoot: false, path: join(path, key), unknown: &unknown)
                } else if additional?.boolValue == true || preserve {
                    out[key] = child
                } else {
                    if let field = join(path, key) { unknown.append(field) }  // unknown: pruned
                }
            }
            return .object(out)
        case .array(let array):
            guard let items = schema["items"] else { return value }
            var out: [JSONValue] = []
            out.reserveCapacity(array.count)
            for (index, element) in array.enumerated() {
                out.append(prune(element, items, isRoot: false, path: path.map { "\($0)[\(index)]" }, unknown: &unknown))
            }
            return .array(out)
        default:
            return value
        }
    }

    private func join(_ path: String?, _ key: String) -> String? {
        path.map { $0.isEmpty ? key : "\($0).\(key)" }
    }

    // MARK: Defaulting

    private func applyDefaults(_ value: JSONValue, _ schema: JSONValue) -> JSONValue {
        switch value {
        case .object(var object):
            if case .object(let properties)? = schema["properties"] {
                for (key, childSchema) in properties {
                    if object[key] == nil, let defaultValue = childSchema["default"] {
                        object[key] = prune(defaultValue, childSchema)
                    }
                    if let child = object[key], !child.isNull {
                        object[key] = applyDefaults(child, childSchema)
                    }
                }
            }
            if case .object(let additional)? = schema["additionalProperties"] {
                for (key, child) in object where schema["properties"]?[key] == nil {
                    object[key] = applyDefaults(child, .object(additional))
                }
            }
            return .object(object)
        case .array(let array):
            guard let items = schema["items"] else { return value }
            return .array(array.map { applyDefaults($0, items) })
        default:
            return value
        }
    }

    // MARK: Validation

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func validate(_ value: JSONValue, _ schema: JSONValue, path: String, isRoot: Bool = false, into problems: inout [Problem]) {
        let field = path.isEmpty ? "<root>" : path
        if value.isNull {
            if schema["nullable"]?.boolValue != true {
                if let type = schema["type"]?.stringValue {
                    problems.append(Problem(field: field, message: "Invalid value: \"null\": \(field) in body must be of type \(type): \"null\""))
                }
            }
            return
        }
        let intOrString = schema["x-kubernetes-int-or-string"]?.boolValue == true
        if intOrString {
            if case .string = value {} else if value.typeName != "integer" {
                problems.append(Problem(field: field, message: "Invalid value: \"\(value.typeName)\": \(field) in body must be of type integer or string"))
                return
            }
        } else if let type = schema["type"]?.stringValue {
            let actual = value.typeName
            let ok: Bool
            switch type {
            case "number": ok = actual == "number" || actual == "integer"
            case "integer": ok = actual == "integer" || (value.intValue != nil)
            default: ok = actual == type
            }
            if !ok {
                problems.append(Problem(field: field, message: "Invalid value: \"\(actual)\": \(field) in body must be of type \(type): \"\(actual)\""))
                return
            }
        }
        if case .array(let allowed)? = schema["enum"], !allowed.isEmpty, !allowed.contains(value) {
            let supported = allowed.map { $0.serialized() }.joined(separator: ", ")
            problems.append(Problem(field: field, message: "Unsupported value: \(value.serialized()): supported values: \(supported)"))
        }
        switch value {
        case .string(let s):
            if let max = schema["maxLength"]?.intValue, s.count > max {
                problems.append(Problem(field: field, message: "Too long: may not be longer than \(max)"))
            }
            if let min = schema["minLength"]?.intValue, s.count < min {
                problems.append(Problem(field: field, message: "Invalid value: \"\(s)\": \(field) in body should be at least \(min) chars long"))
            }
            if let pattern = schema["pattern"]?.stringValue {
                if let regex = try? NSRegularExpression(pattern: pattern),
                    regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
                {
                    problems.append(Problem(field: field, message: "Invalid value: \"\(s)\": \(field) in body should match '\(pattern)'"))
                }
            }
        case .int, .double, .number:
            if let d = value.doubleValue {
                if let min = schema["minimum"]?.doubleValue, d < min {
                    problems.append(Problem(field: field, message: "Invalid value: \(value.serialized()): \(field) in body should be greater than or equal to \(JSONValue.formatDouble(min))"))
                }
                if let max = schema["maximum"]?.doubleValue, d > max {
                    problems.append(Problem(field: field, message: "Invalid value: \(value.serialized()): \(field) in body should be less than or equal to \(JSONValue.formatDouble(max))"))
                }
            }
        case .array(let array):
            if let max = schema["maxItems"]?.intValue, array.count > max {
                problems.append(Problem(field: field, message: "Too many: \(array.count): must have at most \(max) items"))
            }
            if let min = schema["minItems"]?.intValue, array.count < min {
                problems.append(Problem(field: field, message: "Invalid value: \(array.count): \(field) in body should have at least \(min) items"))
            }
            if let items = schema["items"] {
                for (i, element) in array.enumerated() {
                    validate(element, items, path: "\(path)[\(i)]", into: &problems)
                }
            }
        case .object(let object):
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                problems.append(Problem(field: join(path, required), message: "Required value"))
            }
            if let max = schema["maxProperties"]?.intValue, object.count > max {
                problems.append(Problem(field: field, message: "Too many: \(object.count): must have at most \(max) items"))
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (key, child) in object {
                if (isRoot || schema["x-kubernetes-embedded-resource"]?.boolValue == true) && key == "metadata" {
                    if let nameSchema = properties["metadata"]?[path: ["properties", "name"]], let name = child["name"] {
                        validate(name, nameSchema, path: join(path, "metadata.name"), into: &problems)
                    }
                    continue
                }
                if let childSchema = properties[key] {
                    validate(child, childSchema, path: join(path, key), into: &problems)
                } else if case .object? = schema["additionalProperties"] {
                    validate(child, schema["additionalProperties"]!, path: join(path, key), into: &problems)
                }
            }
        default:
            break
        }
    }
}
