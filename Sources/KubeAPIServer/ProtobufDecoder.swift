import Foundation
import KubeModel

/// Reads a Kubernetes protobuf request body (`application/vnd.kubernetes.protobuf`, what kubectl
/// 1.33 and newer send for `kubectl create configmap|secret|deployment|…`) into the JSON object a
/// JSON body of the same object would have been.
///
/// The body is the `k8s\0` magic and a `runtime.Unknown` envelope (its `typeMeta` names the kind,
/// `raw` holds the message). Fields become JSON by their Kubernetes names; the types whose JSON is
/// not their message (Time, MicroTime, Duration, IntOrString, Quantity, RawExtension) take their JSON
/// form; bytes become base64. Go's protobuf encoding writes every non-pointer field, zero or not,
/// where its JSON encoding leaves zero values out (`omitempty`): zero scalars are left out here too,
/// while messages stay (`resources: {}`, as kubectl's JSON has them). A field number the schema
/// does not know is refused, never dropped.
struct ProtobufDecoder {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]
    static let unknownMessage = "k8s.io.apimachinery.pkg.runtime.Unknown"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The object in an envelope, with `apiVersion` and `kind` from it.
    static func decodeObject(_ body: [UInt8]) throws(Failure) -> JSONObject {
        guard body.starts(with: magic) else { throw Failure(description: "the body does not start with the Kubernetes protobuf magic k8s\\0") }
        var envelope = WireReader(body[magic.count...])
        var apiVersion = "", kind = "", raw: ArraySlice<UInt8> = []
        while let (number, value) = try envelope.next() {
            switch (number, value) {
            case (1, .bytes(let typeMeta)):
                var reader = WireReader(typeMeta)
                while let (field, part) = try reader.next() {
                    if case .bytes(let text) = part {
                        if field == 1 { apiVersion = String(decoding: text, as: UTF8.self) }
                        if field == 2 { kind = String(decoding: text, as: UTF8.self) }
                    }
                }
            case (2, .bytes(let bytes)): raw = bytes
            case (3, .bytes(let encoding)) where !encoding.isEmpty:
                throw Failure(description: "content encoding \(String(decoding: encoding, as: UTF8.self)) is not supported")
            default: break
            }
        }
        guard let message = ProtobufSchema.messageName(apiVersion: apiVersion, kind: kind) else {
            throw Failure(description: "\(apiVersion.isEmpty ? "(no apiVersion)" : apiVersion), Kind=\(kind) cannot be read from protobuf here; send JSON or YAML")
        }
        var object: JSONObject = ["kind": .string(kind), "apiVersion": .string(apiVersion)]
        for (key, value) in try decodeMessage(raw, message) where key != "kind" && key != "apiVersion" { object[key] = value }
        return object
    }

    static func decodeMessage(_ bytes: ArraySlice<UInt8>, _ message: String) throws(Failure) -> JSONObject {
        guard let schema = ProtobufSchema.messages[message] else { throw Failure(description: "unknown message \(message)") }
        var reader = WireReader(bytes)
        var object = JSONObject()
        while let (number, value) = try reader.next() {
            guard let field = schema[number] else {
                throw Failure(description: "\(message.split(separator: ".").last ?? ""): field \(number) is not known here")
            }
            switch field.label {
            case .one:
                object[field.name] = try convert(value, field.type, field: field.name)
            case .repeated:
                var items = object[field.name]?.arrayValue ?? []
                items += try repeatedValues(value, field.type, field: field.name)
                object[field.name] = .array(items)
            case .map:
                guard case .bytes(let entry) = value else { throw Failure(description: "\(field.name): a map entry is not length-delimited") }
                var entryReader = WireReader(entry)
                var key = "", item: JSONValue = .null
                var sawValue = false
                while let (part, partValue) = try entryReader.next() {
                    if part == 1, case .bytes(let text) = partValue { key = String(decoding: text, as: UTF8.self) }
                    if part == 2 {
                        item = try convert(partValue, field.type, field: field.name, keepZero: true)
                        sawValue = true
                    }
                }
                if !sawValue { item = zeroValue(field.type) }
                var map = object[field.name]?.objectValue ?? [:]
                map[key] = item
                object[field.name] = .object(map)
            }
        }
        // Zero scalars out, as Go's JSON `omitempty` leaves them.
        for (key, value) in object where isZeroScalar(value) { object.removeValue(forKey: key) }
        return object
    }

    private static func isZeroScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): return s.isEmpty
        case .int(let i): return i == 0
        case .double(let d): return d == 0
        case .bool(let b): return !b
        default: return false
        }
    }

    private static func zeroValue(_ type: String) -> JSONValue {
        switch type {
        case "string", "bytes": return .string("")
        case "bool": return .bool(false)
        case "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64": return .int(0)
        case "double", "float": return .double(0)
        default: return .object([:])
        }
    }

    private static func repeatedValues(_ value: WireValue, _ type: String, field: String) throws(Failure) -> [JSONValue] {
        // Packed scalars arrive as one length-delimited run.
        if case .bytes(let run) = value, ["int32", "int64", "uint32", "uint64", "bool", "sint32", "sint64"].contains(type) {
            var reader = WireReader(run)
            var out: [JSONValue] = []
            while !reader.atEnd { out.append(try convert(.varint(try reader.varint()), type, field: field, keepZero: true)) }
            return out
        }
        return [try convert(value, type, field: field, keepZero: true)]
    }

    private static func convert(_ value: WireValue, _ type: String, field: String, keepZero: Bool = false) throws(Failure) -> JSONValue {
        switch (type, value) {
        case ("string", .bytes(let b)): return .string(String(decoding: b, as: UTF8.self))
        case ("bytes", .bytes(let b)): return .string(Data(b).base64EncodedString())
        case ("bool", .varint(let v)): return .bool(v != 0)
        case ("int32", .varint(let v)): return .int(Int64(Int32(truncatingIfNeeded: v)))
        case ("int64", .varint(let v)): return .int(Int64(bitPattern: v))
        case ("uint32", .varint(let v)), ("uint64", .varint(let v)): return .int(Int64(truncatingIfNeeded: v))
        case ("sint32", .varint(let v)), ("sint64", .varint(let v)): return .int(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
        case ("double", .fixed64(let v)): return .double(Double(bitPattern: v))
        case ("float", .fixed32(let v)): return .double(Double(Float(bitPattern: v)))
        case (_, .bytes(let b)) where ProtobufSchema.messages[type] != nil:
            return try special(b, type, field: field)
        default:
            throw Failure(description: "\(field): a \(type) cannot be read from that wire value")
        }
    }

    /// The types whose JSON is not their message's.
    private static func special(_ bytes: ArraySlice<UInt8>, _ type: String, field: String) throws(Failure) -> JSONValue {
        let meta = "k8s.io.apimachinery.pkg.apis.meta.v1."
        switch type {
        case meta + "Time", meta + "MicroTime":
            let parts = try decodeMessage(bytes, type)
            let seconds = parts["seconds"]?.intValue ?? 0
            let nanos = parts["nanos"]?.intValue ?? 0
            if seconds == 0 && nanos == 0 { return .null }
            let text = Timestamp.formatEpochSeconds(seconds)
            guard type.hasSuffix("MicroTime") else { return .string(text) }
            // RFC 3339 with microseconds: 2024-01-02T03:04:05.000006Z.
            let micros = String(nanos / 1000)
            return .string(String(text.dropLast()) + "." + String(repeating: "0", count: max(0, 6 - micros.count)) + micros + "Z")
        case meta + "Duration":
            let nanoseconds = try decodeMessage(bytes, type)["duration"]?.intValue ?? 0
            return .string(GoDuration.format(.nanoseconds(nanoseconds)))
        case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
            let parts = try decodeMessage(bytes, type)
            return (parts["type"]?.intValue ?? 0) == 1 ? .string(parts["strVal"]?.stringValue ?? "") : .int(parts["intVal"]?.intValue ?? 0)
        case "k8s.io.apimachinery.pkg.api.resource.Quantity":
            return .string(try decodeMessage(bytes, type)["string"]?.stringValue ?? "")
        case "k8s.io.apimachinery.pkg.runtime.RawExtension", meta + "FieldsV1":
            var reader = WireReader(bytes)
            while let (number, value) = try reader.next() {
                if number == 1, case .bytes(let raw) = value {
                    do { return try JSONParser.parse(Array(raw)) } catch {
                        throw Failure(description: "\(field): embedded JSON: \(error)")
                    }
                }
            }
            return .null
        default:
            return .object(try decodeMessage(bytes, type))
        }
    }
}

/// One field's value as it is on the wire.
enum WireValue {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes(ArraySlice<UInt8>)
}

/// The protobuf wire format: (field number, value) pairs.
struct WireReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { bytes.isEmpty }

    mutating func varint() throws(ProtobufDecoder.Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            guard shift < 64 else { break }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtobufDecoder.Failure(description: "a varint runs past the end of the body")
    }

    private mutating func take(_ count: Int) throws(ProtobufDecoder.Failure) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count else { throw ProtobufDecoder.Failure(description: "a field runs past the end of the body") }
        let taken = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return taken
    }

    /// The next field, or nil at the end.
    mutating func next() throws(ProtobufDecoder.Failure) -> (Int, WireValue)? {
        guard !bytes.isEmpty else { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0 else { throw ProtobufDecoder.Failure(description: "field number 0") }
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 1:
            let raw = try take(8)
            return (number, .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 2:
            let length = try varint()
            guard length <= UInt64(Int.max) else { throw ProtobufDecoder.Failure(description: "a length is out of range") }
            return (number, .bytes(try take(Int(length))))
        case 5:
            let raw = try take(4)
            return (number, .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }))
        default:
            throw ProtobufDecoder.Failure(description: "wire type \(key & 7) is not supported")
        }
    }
}
