import CZlib
import KubeModel

/// One line of the storage journal: a committed change, checksummed.
///
/// The line is the change as compact JSON, a tab, and the CRC-32 of the JSON in eight hex digits.
/// JSON never holds a raw tab, so the last tab always separates the two. The checksum tells a
/// record damaged on disk from an intact one; lines without one (written before checksums) are
/// read as intact if their JSON parses.
struct JournalRecord: Equatable {
    var revision: Int64
    var groupResource: String
    var key: String
    /// The object as stored, or nil for a removal.
    var object: JSONObject?
    /// `object`'s JSON when the store has made it already (it serves the watchers too).
    var objectBytes: [UInt8]?

    init(revision: Int64, groupResource: String, key: String, object: JSONObject?) {
        self.revision = revision
        self.groupResource = groupResource
        self.key = key
        self.object = object
    }

    static func == (lhs: JournalRecord, rhs: JournalRecord) -> Bool {
        lhs.revision == rhs.revision && lhs.groupResource == rhs.groupResource && lhs.key == rhs.key && lhs.object == rhs.object
    }

    /// The line, newline included: `{"rv":…,"gr":…,"key":…,"object":…}`, a tab and the checksum.
    func encoded() -> [UInt8] {
        let head: JSONObject = ["rv": .int(revision), "gr": .string(groupResource), "key": .string(key)]
        guard let objectBytes else {
            var line = head
            line["object"] = object.map(JSONValue.object) ?? .null
            return Self.checksummedLine(JSONValue.object(line).serializedBytes())
        }
        var json = JSONValue.object(head).serializedBytes()
        json.removeLast()  // the closing brace
        json += Array(#","object":"#.utf8)
        json += objectBytes
        json.append(UInt8(ascii: "}"))
        return Self.checksummedLine(json)
    }

    /// `json`, a tab, its checksum and a newline.
    static func checksummedLine(_ json: [UInt8]) -> [UInt8] {
        var bytes = json
        bytes.reserveCapacity(json.count + 10)
        bytes.append(UInt8(ascii: "\t"))
        let checksum = crc32(json)
        for shift in stride(from: 28, through: 0, by: -4) {
            bytes.append(hexDigits[Int((checksum >> UInt32(shift)) & 0xF)])
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The JSON of a checksummed line (newline excluded), or why it is damaged.
    static func verifiedJSON(_ line: ArraySlice<UInt8>) -> Result<ArraySlice<UInt8>, DamageReason> {
        guard let tab = line.lastIndex(of: UInt8(ascii: "\t")) else {
            // A line from before checksums: its JSON must parse on its own.
            return .success(line)
        }
        let json = line[line.startIndex..<tab]
        let digits = line[(tab + 1)...]
        guard digits.count == 8, let stored = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
            return .failure(.init("the checksum is not eight hex digits"))
        }
        let actual = crc32(json)
        guard stored == actual else {
            return .failure(.init("checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(actual, radix: 16)))"))
        }
        return .success(json)
    }

    /// The record in a line, or why it is damaged.
    static func decode(_ line: ArraySlice<UInt8>) -> Result<JournalRecord, DamageReason> {
        let json: ArraySlice<UInt8>
        switch verifiedJSON(line) {
        case .success(let verified): json = verified
        case .failure(let reason): return .failure(reason)
        }
        let entry: JSONValue
        do {
            entry = try JSONParser.parse(Array(json))
        } catch {
            return .failure(.init("not JSON: \(error.message)"))
        }
        guard let revision = entry["rv"]?.intValue, let groupResource = entry["gr"]?.stringValue, let key = entry["key"]?.stringValue else {
            return .failure(.init("a record without rv, gr and key"))
        }
        switch entry["object"] {
        case .object(let object)?: return .success(JournalRecord(revision: revision, groupResource: groupResource, key: key, object: object))
        case .null?, nil: return .success(JournalRecord(revision: revision, groupResource: groupResource, key: key, object: nil))
        default: return .failure(.init("the record's object is not an object"))
        }
    }

    struct DamageReason: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func crc32<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        let value = bytes.withContiguousStorageIfAvailable { buffer in
            CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count))
        } ?? Array(bytes).withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        return UInt32(truncatingIfNeeded: value)
    }
}
