import KubeModel

/// The `spec` property of a generated CRD, with the warnings printed while building it.
public struct CRDSpecSchema: Sendable, Equatable {
    /// `type: object`, `default: {}`, `properties: {...}` (never `required`).
    public var schema: JSONValue
    /// One line per skipped variable or default, in variable order, worded as upstream words them.
    public var warnings: [String]

    public init(schema: JSONValue, warnings: [String]) {
        self.schema = schema
        self.warnings = warnings
    }

    /// The whole `openAPIV3Schema`: an object whose only property is `spec`.
    public var openAPIV3Schema: JSONValue {
        ["type": "object", "properties": ["spec": schema]]
    }

    static func spec(properties: JSONObject) -> JSONValue {
        ["type": "object", "default": .object([:]), "properties": .object(properties)]
    }
}
