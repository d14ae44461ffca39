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
        _ = pruned(object, schema, isRoot: true, path: "", unknown: &paths)
        return paths
    }

    // MARK: Pruning

    private func prune(_ value: JSONValue, _ schema: JSONValue, isRoot: Bool = false) -> JSONValue {
        var ignored: [String] = []
        return pruned(value, schema, isRoot: isRoot, path: nil, unknown: &ignored) ?? value
    }

    /// The value without the fields its schema does not know, or nil when it has none: the caller
    /// keeps the value it has, sharing its storage. (Rebuilding every object on every write doubled
    /// the memory the API server's store holds for it.) `path` is nil when nobody collects unknown
    /// fields (every ordinary write): no strings are built.
    private func pruned(_ value: JSONValue, _ schema: JSONValue, isRoot: Bool, path: String?, unknown: inout [String]) -> JSONValue? {
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        let embedded = schema["x-kubernetes-embedded-resource"]?.boolValue == true
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            var out: JSONObject?
            for (key, child) in object {
                // .some(nil): drop the field; .some(value): replace it.
                var change: JSONValue??
                if isRoot || embedded, key == "apiVersion" || key == "kind" || key == "metadata" {
                    // Kept as is; metadata is the server's (only name/generateName are restricted).
                } else if let childSchema = properties?[key] {
                    change = pruned(child, childSchema, isRoot: false, path: join(path, key), unknown: &unknown).map { .some($0) }
                } else if case .object(let additionalSchema)? = additional {
                    change = pruned(child, .object(additionalSchema), isRoot: false, path: join(path, key), unknown: &unknown).map { .some($0) }
                } else if additional?.boolValue == true || preserve {
                    // Kept as is.
                } else {
                    if let field = join(path, key) { unknown.append(field) }  // unknown: pruned
                    change = .some(nil)
                }
                guard let change else { continue }
                if out == nil { out = object }
                if let replacement = change { out![key] = replacement } else { out!.removeValue(forKey: key) }
            }
            return out.map { .object($0) }
        case .array(let array):
            guard let items = schema["items"] else { return nil }
            var out: [JSONValue]?
            for (index, element) in array.enumerated() {
                guard let replacement = pruned(element, items, isRoot: false, path: path.map { "\($0)[\(index)]" }, unknown: &unknown) else { continue }
                if out == nil { out = array }
                out![index] = replacement
            }
            return out.map { .array($0) }
        default:
            return nil
        }
    }

    private func join(_ path: String?, _ key: String) -> String? {
        path.map { $0.isEmpty ? key : "\($0).\(key)" }
    }

    // MARK: Defaulting

    private func applyDefaults(_ value: JSONValue, _ schema: JSONValue) -> JSONValue {
        defaulted(value, schema) ?? value
    }

    /// The value with its schema's defaults filled in, or nil when none was missing (the caller
    /// keeps its value, sharing its storage).
    private func defaulted(_ value: JSONValue, _ schema: JSONValue) -> JSONValue? {
        switch value {
        case .object(let object):
            var out: JSONObject?
            if case .object(let properties)? = schema["properties"] {
                for (key, childSchema) in properties {
                    var child = (out ?? object)[key]
                    if child == nil, let defaultValue = childSchema["default"] {
                        child = prune(defaultValue, childSchema)
                        if out == nil { out = object }
                        out![key] = child
                    }
                    if let child, !child.isNull, let replacement = defaulted(child, childSchema) {
                        if out == nil { out = object }
                        out![key] = replacement
                    }
                }
            }
            if case .object(let additional)? = schema["additionalProperties"] {
                for (key, child) in out ?? object where schema["properties"]?[key] == nil {
                    guard let replacement = defaulted(child, .object(additional)) else { continue }
                    if out == nil { out = object }
                    out![key] = replacement
                }
            }
            return out.map { .object($0) }
        case .array(let array):
            guard let items = schema["items"] else { return nil }
            var out: [JSONValue]?
            for (index, element) in array.enumerated() {
                guard let replacement = defaulted(element, items) else { continue }
                if out == nil { out = array }
                out![index] = replacement
            }
            return out.map { .array($0) }
        default:
            return nil
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
