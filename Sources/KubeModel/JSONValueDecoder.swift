/// Decodes `Decodable` models from a ``JSONValue`` tree.
///
/// Errors are ``ModelError``s naming the field path (`spec.workflows: expected object, found string`).
/// ``UnknownFields`` properties collect undeclared members. With ``strict`` set, an undeclared member is
/// an error instead, which is how Kratix reads Pipelines.
public struct JSONValueDecoder: Sendable {
    /// Reject members that the model does not declare (and that no ``UnknownFields`` property takes).
    public var strict: Bool
    /// Prefixed to field paths in errors, e.g. `spec.workflows.resource.configure[0]`.
    public var basePath: String

    public init(strict: Bool = false, basePath: String = "") {
        self.strict = strict
        self.basePath = basePath
    }

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(ModelError) -> T {
        do {
            let decoder = ValueDecoder(value: value, codingPath: [], options: self)
            return try decoder.decodeValue(T.self)
        } catch let error as ModelError {
            throw error
        } catch let error as DecodingError {
            throw ModelError.from(error, basePath: basePath)
        } catch {
            throw ModelError(.invalidValue(field: basePath.isEmpty ? "<root>" : basePath, value: "", reason: "\(error)"))
        }
    }

    func path(_ codingPath: [any CodingKey]) -> String {
        let rendered = FieldPath.render(codingPath)
        if basePath.isEmpty { return rendered }
        if rendered == "<root>" { return basePath }
        return codingPath.first?.intValue != nil ? basePath + rendered : basePath + "." + rendered
    }
}

extension ModelError {
    /// Turns a `DecodingError` thrown by hand-written `init(from:)` code into a field error.
    static func from(_ error: DecodingError, basePath: String) -> ModelError {
        let decoder = JSONValueDecoder(basePath: basePath)
        switch error {
        case .typeMismatch(let type, let context):
            return ModelError(.typeMismatch(field: decoder.path(context.codingPath), expected: "\(type)", found: context.debugDescription))
        case .valueNotFound(_, let context):
            return ModelError(.missingField(field: decoder.path(context.codingPath)))
        case .keyNotFound(let key, let context):
            return ModelError(.missingField(field: decoder.path(context.codingPath + [key])))
        case .dataCorrupted(let context):
            return ModelError(.invalidValue(field: decoder.path(context.codingPath), value: "", reason: context.debugDescription))
        @unknown default:
            return ModelError(.invalidValue(field: basePath, value: "", reason: "\(error)"))
        }
    }
}

private func expectedName<T>(_ type: T.Type) -> String {
    switch type {
    case is String.Type: return "string"
    case is Bool.Type: return "boolean"
    case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type, is Int16.Type,
        is UInt16.Type, is Int8.Type, is UInt8.Type:
        return "integer"
    case is Double.Type, is Float.Type: return "number"
    default: return "\(type)"
    }
}

/// The decoder for one node of the tree. A class because `Decoder` containers hold on to it.
private final class ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let options: JSONValueDecoder
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey], options: JSONValueDecoder) {
        self.value = value
        self.codingPath = codingPath
        self.options = options
    }

    func mismatch(_ expected: String, at path: [any CodingKey], found: JSONValue) -> ModelError {
        ModelError(.typeMismatch(field: options.path(path), expected: expected, found: found.typeName))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // Fast paths for the tree's own types; they also keep raw values exactly as they are.
        if type == JSONValue.self { return value as! T }
        if type == JSONObject.self {
            guard case .object(let o) = value else { throw mismatch("object", at: codingPath, found: value) }
            return o as! T
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        // As in Go, `null` for a struct means its zero value.
        let object: JSONObject
        switch value {
        case .object(let o): object = o
        case .null: object = [:]
        default: throw mismatch("object", at: codingPath, found: value)
        }
        let container = KeyedContainer<Key>(object: object, decoder: self)
        if options.strict && Key(stringValue: "unknownFields") == nil {
            for key in object.keys where Key(stringValue: key) == nil {
                throw ModelError(.unknownField(field: options.path(codingPath + [AnyCodingKey(stringValue: key)])))
            }
        }
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let array: [JSONValue]
        switch value {
        case .array(let a): array = a
        case .null: array = []
        default: throw mismatch("array", at: codingPath, found: value)
        }
        return UnkeyedContainer(array: array, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    // Scalars, shared by the three container kinds.
    func decodeScalar<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey]) throws -> T {
        switch type {
        case is String.Type:
            guard case .string(let s) = value else { throw mismatch("string", at: path, found: value) }
            return s as! T
        case is Bool.Type:
            guard case .bool(let b) = value else { throw mismatch("boolean", at: path, found: value) }
            return b as! T
        case is Int64.Type: return try integer(value, path, Int64.self) as! T
        case is Int.Type: return try integer(value, path, Int.self) as! T
        case is Int32.Type: return try integer(value, path, Int32.self) as! T
        case is UInt64.Type: return try integer(value, path, UInt64.self) as! T
        case is UInt.Type: return try integer(value, path, UInt.self) as! T
        case is UInt32.Type: return try integer(value, path, UInt32.self) as! T
        case is Double.Type:
            guard let d = value.doubleValue else { throw mismatch("number", at: path, found: value) }
            return d as! T
        case is Float.Type:
            guard let d = value.doubleValue else { throw mismatch("number", at: path, found: value) }
            return Float(d) as! T
        default:
            let child = ValueDecoder(value: value, codingPath: path, options: options)
            return try child.decodeValue(type)
        }
    }

    private func integer<I: FixedWidthInteger>(_ value: JSONValue, _ path: [any CodingKey], _: I.Type) throws -> I {
        if let i = value.intValue, let exact = I(exactly: i) { return exact }
        if case .number(let text) = value, let exact = I(text) { return exact }
        if value.typeName == "integer" || value.typeName == "number" {
            throw ModelError(.invalidValue(field: options.path(path), value: value.serialized(), reason: "out of range for \(I.self)"))
        }
        throw mismatch("integer", at: path, found: value)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(object: JSONObject, decoder: ValueDecoder) {
        self.object = object
        self.decoder = decoder
    }

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(for key: Key) throws -> JSONValue {
        guard let v = object[key.stringValue] else {
            throw ModelError(.missingField(field: decoder.options.path(codingPath + [key])))
        }
        return v
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let v = object[key.stringValue] else { return true }
        return v.isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if type == UnknownFields.self {
            var rest = JSONObject()
            for (k, v) in object where Key(stringValue: k) == nil { rest[k] = v }
            if decoder.options.strict, let first = rest.keys.first {
                throw ModelError(.unknownField(field: decoder.options.path(codingPath + [AnyCodingKey(stringValue: first)])))
            }
            return UnknownFields(rest) as! T
        }
        guard let v = object[key.stringValue] else {
            // A missing struct member decodes to the struct's zero value when it has one (all members
            // optional), as Go does; anything else is a missing required field.
            if let zero = try? decoder.decodeScalar(type, from: .null, at: codingPath + [key]) { return zero }
            throw ModelError(.missingField(field: decoder.options.path(codingPath + [key])))
        }
        return try decoder.decodeScalar(type, from: v, at: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        return try decoder.decodeScalar(type, from: v, at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: value(for: key), codingPath: codingPath + [key], options: decoder.options)
            .container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: value(for: key), codingPath: codingPath + [key], options: decoder.options)
            .unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key], options: decoder.options)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let decoder: ValueDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [JSONValue], decoder: ValueDecoder) {
        self.array = array
        self.decoder = decoder
    }

    private var currentPath: [any CodingKey] { codingPath + [AnyCodingKey(intValue: currentIndex)] }

    private func current() throws -> JSONValue {
        guard !isAtEnd else {
            throw ModelError(.missingField(field: decoder.options.path(currentPath)))
        }
        return array[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        if try current().isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let v = try current()
        let result = try decoder.decodeScalar(type, from: v, at: currentPath)
        currentIndex += 1
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let container = try ValueDecoder(value: current(), codingPath: currentPath, options: decoder.options)
            .container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try ValueDecoder(value: current(), codingPath: currentPath, options: decoder.options)
            .unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let d = try ValueDecoder(value: current(), codingPath: currentPath, options: decoder.options)
        currentIndex += 1
        return d
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeScalar(type, from: decoder.value, at: codingPath)
    }
}
