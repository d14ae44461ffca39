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

    public init(type: EventType, object: JSONObject) {
        self.type = type
        self.object = object
    }

    /// The line written to the stream.
    public var line: [UInt8] {
        var bytes = JSONValue.object(["type": .string(type.rawValue), "object": .object(object)]).serializedBytes()
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
        switch event.type {
        case .added: return now ? WatchEvent(type: .added, object: event.object) : nil
        case .deleted: return before ? WatchEvent(type: .deleted, object: event.object) : nil
        default:
            switch (before, now) {
            case (true, true): return WatchEvent(type: .modified, object: event.object)
            case (false, true): return WatchEvent(type: .added, object: event.object)
            case (true, false): return WatchEvent(type: .deleted, object: event.object)
            case (false, false): return nil
            }
        }
    }
}
