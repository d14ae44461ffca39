import KubeModel

/// The component a Promise is built from: its token and its resource entry in the schema.
struct PulumiComponent: Sendable, Equatable {
    var token: String
    var resource: JSONObject

    /// `--component`, or the only component there is.
    static func select(in schema: PulumiSchema, requested: String?) throws(AuthoringError) -> PulumiComponent {
        let tokens = schema.resources.compactMap { token, value in value["isComponent"]?.boolValue == true ? token : nil }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !tokens.isEmpty else { throw AuthoringError("select component: no component resources found in schema") }
        if let requested, !requested.isEmpty {
            if let resource = schema.resources[requested]?.objectValue, resource["isComponent"]?.boolValue == true {
                return PulumiComponent(token: requested, resource: resource)
            }
            throw AuthoringError(
                "select component: component \(goQuote(requested)) not found; available components: \(tokens.joined(separator: ", "))")
        }
        guard tokens.count == 1 else {
            throw AuthoringError("select component: multiple components found; provide --component from: \(tokens.joined(separator: ", "))")
        }
        return PulumiComponent(token: tokens[0], resource: schema.resources[tokens[0]]?.objectValue ?? [:])
    }
}

/// Go's `%q` for the plain strings that show up in messages (tokens, paths).
func goQuote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// The component's `inputProperties` as the CRD's `spec` schema (upstream's translation): simple
/// types kept, arrays and objects translated, local `$ref`s inlined, other refs made permissive,
/// and what cannot be expressed skipped with a warning rather than failing the command.
struct PulumiSchemaTranslator {
    let schema: PulumiSchema
    let component: PulumiComponent
    private var resolving: Set<String> = []
    private(set) var skipped: [(path: String, reason: String)] = []

    init(schema: PulumiSchema, component: PulumiComponent) {
        self.schema = schema
        self.component = component
    }

    /// Why a path cannot be translated; `skippable` ones become warnings.
    struct Unsupported: Error {
        var path: String
        var summary: String
        var skippable: Bool
    }

    enum Failure: Error {
        case unsupported(Unsupported)
        case invalid(String)
    }

    /// The `spec` schema and the warnings, in upstream's order (sorted by path, then reason).
    static func specSchema(schema: PulumiSchema, component: PulumiComponent) throws(AuthoringError) -> (JSONValue, [String]) {
        var translator = PulumiSchemaTranslator(schema: schema, component: component)
        var properties = JSONObject()
        let inputs = component.resource["inputProperties"]?.objectValue ?? [:]
        for name in inputs.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard case .object(let node) = inputs[name]! else {
                throw AuthoringError("translate component inputs: decode input property \(goQuote(name)): schema node is not an object")
            }
            do {
                properties[name] = .object(try translator.translate(node, path: "spec." + name))
            } catch {
                if try translator.recordSkipped(error) { continue }
            }
        }
        let warnings = translator.warnings
        guard !properties.isEmpty else {
            throw AuthoringError(
                "translate component inputs: no translatable spec fields remain after skipping unsupported schema paths for component \(goQuote(component.token))")
        }
        var spec: JSONObject = ["type": "object", "properties": .object(properties)]
        let required = Self.normalized(Self.strings(component.resource["requiredInputs"]) ?? []).filter { properties[$0] != nil }
        if !required.isEmpty { spec["required"] = .array(required.map { .string($0) }) }
        return (.object(spec), warnings)
    }

    var warnings: [String] {
        skipped.sorted { ($0.path, $0.reason) < ($1.path, $1.reason) }.map {
            "warning: skipped unsupported schema path \(goQuote($0.path)) for component \(goQuote(component.token)): \($0.reason)"
        }
    }

    /// Records a skippable failure and says so; anything else is thrown as the command's error.
    mutating func recordSkipped(_ error: Failure) throws(AuthoringError) -> Bool {
        switch error {
        case .unsupported(let u) where u.skippable:
            skipped.append((u.path, u.summary))
            return true
        case .unsupported(let u):
            throw AuthoringError("component \(goQuote(component.token)) path \(goQuote(u.path)) unsupported construct: \(u.summary)")
        case .invalid(let message):
            throw AuthoringError(message)
        }
    }

    private func unsupported(_ path: String, _ summary: String, hard: Bool = false) -> Failure {
        .unsupported(Unsupported(path: path, summary: summary, skippable: !hard))
    }

    mutating func translate(_ node: JSONObject, path: String) throws(Failure) -> JSONObject {
        for keyword in ["oneOf", "anyOf", "allOf", "not", "discriminator", "patternProperties", "const"] where node[keyword] != nil {
            throw unsupported(path, "keyword \(goQuote(keyword))")
        }
        if let ref = node["$ref"]?.stringValue {
            guard ref.hasPrefix("#/types/") || ref.hasPrefix("#/resources/") else {
                return try annotate(node, ["type": "object", "x-kubernetes-preserve-unknown-fields": true], path: path)
            }
            let (resolved, key) = try resolve(ref, path: path)
            if resolving.contains(key) { throw unsupported(path, "cyclic local ref \(goQuote(ref))", hard: true) }
            resolving.insert(key)
            defer { resolving.remove(key) }
            let translated = try translate(resolved, path: path)
            return try annotate(node, translated, path: path)
        }
        guard let type = node["type"]?.stringValue else {
            if node["enum"] != nil { throw unsupported(path, "enum without explicit type") }
            throw unsupported(path, "missing supported shape (expected one of $ref or type)")
        }
        var translated: JSONObject
        switch type {
        case "string", "boolean", "integer", "number":
            translated = ["type": .string(type)]
        case "array":
            guard let items = node["items"] else { throw unsupported(path, "array type missing items schema") }
            guard case .object(let itemNode) = items else { throw unsupported(path, "array items must be an object schema") }
            translated = ["type": "array", "items": .object(try translate(itemNode, path: path + "[]"))]
        case "object":
            translated = try translateObject(node, path: path)
        default:
            throw unsupported(path, "type \(goQuote(type))")
        }
        return try annotate(node, translated, path: path)
    }

    private mutating func translateObject(_ node: JSONObject, path: String) throws(Failure) -> JSONObject {
        var translated: JSONObject = ["type": "object"]
        var properties: JSONObject?
        if let raw = node["properties"] {
            guard case .object(let members) = raw else { throw unsupported(path, "object properties must be an object") }
            var out = JSONObject()
            for name in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                guard case .object(let child) = members[name]! else {
                    throw unsupported(path + "." + name, "property schema must be an object")
                }
                do {
                    out[name] = .object(try translate(child, path: path + "." + name))
                } catch {
                    if case .unsupported(let u) = error, u.skippable {
                        skipped.append((u.path, u.summary))
                        continue
                    }
                    throw error
                }
            }
            properties = out
            translated["properties"] = .object(out)
        }
        if let raw = node["required"] {
            guard var required = Self.strings(raw) else { throw unsupported(path, "object required must be an array of strings") }
            required = Self.normalized(required)
            if let properties { required = required.filter { properties[$0] != nil } }
            if !required.isEmpty { translated["required"] = .array(required.map { .string($0) }) }
        }
        if let raw = node["additionalProperties"] {
            guard case .object(let child) = raw else { throw unsupported(path, "additionalProperties must be an object schema") }
            translated["additionalProperties"] = .object(try translate(child, path: path + ".*"))
        }
        return translated
    }

    private func resolve(_ ref: String, path: String) throws(Failure) -> (JSONObject, String) {
        let invalid = { (message: String) -> Failure in
            .invalid("component \(goQuote(component.token)) path \(goQuote(path)) invalid schema: \(message)")
        }
        if ref.hasPrefix("#/types/") {
            let token = String(ref.dropFirst("#/types/".count))
            guard !token.isEmpty else { throw invalid("invalid local type ref \(goQuote(ref))") }
            guard let raw = schema.types[token] else { throw invalid("unresolved local type ref \(goQuote(ref))") }
            guard case .object(let node) = raw else { throw invalid("decode local type ref \(goQuote(ref)): schema node is not an object") }
            return (node, "#/types/" + token)
        }
        let token = String(ref.dropFirst("#/resources/".count))
        guard !token.isEmpty else { throw invalid("invalid local resource ref \(goQuote(ref))") }
        guard let resource = schema.resources[token]?.objectValue else { throw invalid("unresolved local resource ref \(goQuote(ref))") }
        var node: JSONObject = ["type": "object", "properties": .object(resource["inputProperties"]?.objectValue ?? [:])]
        let required = Self.normalized(Self.strings(resource["requiredInputs"]) ?? [])
        if !required.isEmpty { node["required"] = .array(required.map { .string($0) }) }
        return (node, "#/resources/" + token)
    }

    /// `description`, `default` and `enum` carried over from the source node.
    private func annotate(_ node: JSONObject, _ translated: JSONObject, path: String) throws(Failure) -> JSONObject {
        var out = translated
        if let description = node["description"] {
            guard case .string = description else { throw unsupported(path, "description must be a string") }
            out["description"] = description
        }
        if let value = node["default"] { out["default"] = value }
        if let raw = node["enum"] {
            guard case .array(let entries) = raw else { throw unsupported(path, "enum must be an array") }
            var values: [JSONValue] = []
            for entry in entries {
                switch entry {
                case .object(let o):
                    guard let value = o["value"] else { throw unsupported(path, "enum entry object missing value field") }
                    values.append(value)
                case .string, .bool, .int, .double, .number, .null:
                    values.append(entry)
                case .array:
                    throw unsupported(path, "enum entry has unsupported shape")
                }
            }
            if let type = out["type"]?.stringValue {
                for value in values where !Self.compatible(value, type) {
                    throw unsupported(path, "enum value \(Self.goValue(value)) is not compatible with type \(goQuote(type))", hard: true)
                }
            }
            out["enum"] = .array(values)
        }
        return out
    }

    static func compatible(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("number", .int), ("number", .double), ("number", .number),
             ("integer", .int), ("array", .array), ("object", .object):
            return true
        case ("integer", .double(let d)): return d.rounded(.towardZero) == d
        case ("integer", .number(let n)): return Double(n).map { $0.rounded(.towardZero) == $0 } ?? false
        default: return false
        }
    }

    static func goValue(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .null: return "<nil>"
        default: return value.serialized()
        }
    }

    static func strings(_ value: JSONValue?) -> [String]? {
        guard case .array(let items)? = value else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { return nil }
            out.append(s)
        }
        return out
    }

    /// De-duplicated and sorted, as upstream normalises `required`.
    static func normalized(_ values: [String]) -> [String] {
        Set(values).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
