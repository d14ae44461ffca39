/// Encodes `Encodable` models into a ``JSONValue`` tree.
///
/// `nil` optionals are left out (as Go's `omitempty` does for the Kubernetes types), and
/// ``UnknownFields`` properties are written back as members of the object that holds them.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws(ModelError) -> JSONValue {
        do {
            return try encodeValue(value, codingPath: [])
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError(.invalidValue(field: "<root>", value: "", reason: "\(error)"))
        }
    }

    fileprivate func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue {
        switch value {
        case let v as JSONValue: return v
        case let v as JSONObject: return .object(v)
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(Int64(v))
        case let v as Int64: return .int(v)
        case let v as Int32: return .int(Int64(v))
        case let v as UInt32: return .int(Int64(v))
        case let v as UInt64:
            return Int64(exactly: v).map(JSONValue.int) ?? .number(String(v))
        case let v as Double: return try double(v, codingPath)
        case let v as Float: return try double(Double(v), codingPath)
        default:
            let encoder = ValueEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.storage.value
        }
    }

    private func double(_ d: Double, _ path: [any CodingKey]) throws -> JSONValue {
        guard d.isFinite else {
            throw ModelError(.invalidValue(field: FieldPath.render(path), value: "\(d)", reason: "not representable in JSON"))
        }
        return .double(d)
    }
}

/// Mutable storage for a value under construction; containers share it by reference.
private final class Box {
    enum Content {
        case empty
        case value(JSONValue)
        case object([(String, Box)], unknown: JSONObject)
        case array([Box])
    }

    var content: Content = .empty

    var value: JSONValue {
        switch content {
        case .empty: return .object([:])
        case .value(let v): return v
        case .object(let members, let unknown):
            var o = JSONObject()
            o.reserveCapacity(members.count + unknown.count)
            for (k, box) in members { o[k] = box.value }
            for (k, v) in unknown where o[k] == nil { o[k] = v }
            return .object(o)
        case .array(let boxes):
            return .array(boxes.map(\.value))
        }
    }

    func setMember(_ key: String, _ box: Box) {
        if case .object(var members, let unknown) = content {
            if let i = members.firstIndex(where: { $0.0 == key }) {
                members[i].1 = box
            } else {
                members.append((key, box))
            }
            content = .object(members, unknown: unknown)
        } else {
            content = .object([(key, box)], unknown: [:])
        }
    }

    func mergeUnknown(_ extra: JSONObject) {
        switch content {
        case .object(let members, var unknown):
            for (k, v) in extra { unknown[k] = v }
            content = .object(members, unknown: unknown)
        default:
            content = .object([], unknown: extra)
        }
    }

    func append(_ box: Box) {
        if case .array(var boxes) = content {
            boxes.append(box)
            content = .array(boxes)
        } else {
            content = .array([box])
        }
    }
}

private final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    let storage: Box
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], storage: Box = Box()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = storage.content {} else { storage.content = .object([], unknown: [:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = storage.content {} else { storage.content = .array([]) }
        return UnkeyedContainer(box: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: storage, codingPath: codingPath)
    }
}

private func encoded<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> Box {
    let box = Box()
    box.content = .value(try JSONValueEncoder().encodeValue(value, codingPath: path))
    return box
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: Box
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        let b = Box()
        b.content = .value(.null)
        box.setMember(key.stringValue, b)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let unknown = value as? UnknownFields {
            box.mergeUnknown(unknown.members)
            return
        }
        box.setMember(key.stringValue, try encoded(value, at: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = Box()
        child.content = .object([], unknown: [:])
        box.setMember(key.stringValue, child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Box()
        child.content = .array([])
        box.setMember(key.stringValue, child)
        return UnkeyedContainer(box: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(codingPath: codingPath, storage: box) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Box()
        box.setMember(key.stringValue, child)
        return ValueEncoder(codingPath: codingPath + [key], storage: child)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: Box
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let boxes) = box.content { return boxes.count }
        return 0
    }

    private var nextPath: [any CodingKey] { codingPath + [AnyCodingKey(intValue: count)] }

    mutating func encodeNil() throws {
        let b = Box()
        b.content = .value(.null)
        box.append(b)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.append(try encoded(value, at: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = Box()
        child.content = .object([], unknown: [:])
        box.append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = Box()
        child.content = .array([])
        box.append(child)
        return UnkeyedContainer(box: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        let child = Box()
        box.append(child)
        return ValueEncoder(codingPath: path, storage: child)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: Box
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.content = .value(try JSONValueEncoder().encodeValue(value, codingPath: codingPath))
    }
}
