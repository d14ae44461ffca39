import KubeModel

/// One event of a watch stream, as it goes over the wire: `{"type":"ADDED","object":{…}}`.
public struct WatchEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    public var object: JSONObject
    /// The object's JSON when the store has it already (every watcher of a change shares it, and
    /// the journal wrote the same bytes), so a change is serialized once, not once per watcher.
    var objectBytes: [UInt8]?

    public init(type: EventType, object: JSONObject) {
        self.type = type
        self.object = object
    }

    init(type: EventType, object: JSONObject, objectBytes: [UInt8]?) {
        self.type = type
        self.object = object
        self.objectBytes = objectBytes
    }

    public static func == (lhs: WatchEvent, rhs: WatchEvent) -> Bool { lhs.type == rhs.type && lhs.object == rhs.object }

    /// The line written to the stream: `{"type":"…","object":…}` and a newline.
    public var line: [UInt8] {
        guard let objectBytes else {
            var bytes = JSONValue.object(["type": .string(type.rawValue), "object": .object(object)]).serializedBytes()
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        }
        var bytes = Array("{\"type\":\"\(type.rawValue)\",\"object\":".utf8)
        bytes.reserveCapacity(bytes.count + objectBytes.count + 2)
        bytes += objectBytes
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// Which objects a list or watch selects: a namespace and label and field selectors.
public struct WatchFilter: Sendable {
    public var namespace: String?
    public var labelSelector: [LabelRequirement]
    /// (field path, value, equal?) — `metadata.name=x` or `status.phase!=Done`.
    public var fieldSelector: [(field: String, value: String, equal: Bool)]

    public init(namespace: String? = nil, labelSelector: [LabelRequirement] = [], fieldSelector: [(field: String, value: String, equal: Bool)] = []) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    public func matches(_ object: JSONObject) -> Bool {
        let value = JSONValue.object(object)
        if let namespace, !namespace.isEmpty, value[path: ["metadata", "namespace"]]?.stringValue != namespace { return false }
        if !labelSelector.isEmpty {
            let labels = KubeObject(object).labels
            guard labelSelector.allSatisfy({ $0.matches(labels) }) else { return false }
        }
        for term in fieldSelector {
            let actual: String
            switch value[path: term.field.split(separator: ".").map(String.init)] {
            case .string(let s): actual = s
            case .none, .null: actual = ""
            case .some(let v): actual = v.serialized()
            }
            if (actual == term.value) != term.equal { return false }
        }
        return true
    }

    /// What a watcher with this filter sees of a stored change: an object that starts matching is
    /// ADDED, one that stops matching is DELETED, as the real server reports them.
    func translate(_ event: ObjectStore.StoredEvent) -> WatchEvent? {
        let now = event.type == .deleted ? false : matches(event.object)
        let before = event.previous.map(matches) ?? false
        let bytes = event.objectBytes
        switch event.type {
        case .added: return now ? WatchEvent(type: .added, object: event.object, objectBytes: bytes) : nil
        case .deleted: return before ? WatchEvent(type: .deleted, object: event.object, objectBytes: bytes) : nil
        default:
            switch (before, now) {
            case (true, true): return WatchEvent(type: .modified, object: event.object, objectBytes: bytes)
            case (false, true): return WatchEvent(type: .added, object: event.object, objectBytes: bytes)
            case (true, false): return WatchEvent(type: .deleted, object: event.object, objectBytes: bytes)
            case (false, false): return nil
            }
        }
    }
}
