import KubeModel

/// Reads one line of a watch stream: `{"type":"ADDED","object":{…}}`.
///
/// An `ERROR` event becomes the ``ClientError`` its Status describes (`410` → ``ClientError/gone(_:)``),
/// which is how the server says mid-stream that the caller's resourceVersion has expired.
public enum WatchEventDecoder {
    /// The event on a line; `nil` for a blank line (keep-alive).
    public static func decode(_ line: [UInt8]) throws(ClientError) -> WatchEvent? {
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }) else { return nil }
        let value: JSONValue
        do {
            // Watches feed informers, whose caches never keep managedFields.
            value = try JSONParser.parse(line, droppingManagedFields: true)
        } catch {
            throw .decoding("watch event is not valid JSON (\(line.count) bytes): \(error)")
        }
        guard let typeName = value["type"]?.stringValue else {
            throw .decoding("watch event has no \"type\"")
        }
        let objectValue = value["object"] ?? .null
        if typeName == "ERROR" {
            guard let status = APIStatus(objectValue) else {
                throw .server(APIStatus(code: 500, reason: "InternalError", message: "the watch failed with an ERROR event that is not a Status"))
            }
            throw ClientError(status: status)
        }
        guard let type = WatchEventType(rawValue: typeName) else {
            throw .decoding("watch event has an unknown type \"\(typeName)\"")
        }
        guard let object = KubeObject(objectValue) else {
            throw .decoding("\(typeName) watch event: object: expected object, found \(objectValue.typeName)")
        }
        return WatchEvent(type: type, object: object)
    }
}
