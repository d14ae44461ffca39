/// Renders a decoding path the way Kubernetes field errors do: `spec.containers[0].name`.
public enum FieldPath {
    public static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out.isEmpty ? "<root>" : out
    }

    public static func join(_ base: String, _ key: String) -> String {
        base.isEmpty || base == "<root>" ? key : base + "." + key
    }
}

/// A coding key for arbitrary object members and array indices.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
