/// A structural OpenAPI v3 schema as CustomResourceDefinitions use it, built in Swift.
///
/// Kratix's CRDs are generated from these values (one source of truth, checked by tests against
/// the files in `manifests/crds/`); the embedded API server validates against the same shape.
public struct OpenAPISchema: Sendable, Equatable {
    public var type: String?
    public var format: String?
    public var description: String?
    public var properties: [(name: String, schema: OpenAPISchema)] = []
    public var required: [String] = []
    // Arrays give the recursive members the indirection a struct needs.
    private var itemsStorage: [OpenAPISchema] = []
    private var additionalPropertiesStorage: [OpenAPISchema] = []
    public var enumValues: [JSONValue] = []
    public var defaultValue: JSONValue?
    public var preserveUnknownFields = false
    public var embeddedResource = false
    public var intOrString = false
    public var nullable = false
    public var mapType: String?
    public var listType: String?
    public var listMapKeys: [String] = []
    public var minimum: Int64?
    public var maximum: Int64?
    public var minLength: Int64?
    public var maxLength: Int64?
    public var pattern: String?
    public var validations: [(rule: String, message: String)] = []

    public init(type: String? = nil) { self.type = type }

    public var items: OpenAPISchema? {
        get { itemsStorage.first }
        set { itemsStorage = newValue.map { [$0] } ?? [] }
    }

    public var additionalProperties: OpenAPISchema? {
        get { additionalPropertiesStorage.first }
        set { additionalPropertiesStorage = newValue.map { [$0] } ?? [] }
    }

    public static func == (lhs: OpenAPISchema, rhs: OpenAPISchema) -> Bool {
        lhs.json == rhs.json
    }

    // MARK: Builders

    public static func string(_ description: String? = nil, enum values: [String] = [], default value: String? = nil, format: String? = nil) -> OpenAPISchema {
        var s = OpenAPISchema(type: "string")
        s.description = description
        s.enumValues = values.map(JSONValue.string)
        s.defaultValue = value.map(JSONValue.string)
        s.format = format
        return s
    }

    public static func integer(_ description: String? = nil, format: String? = nil) -> OpenAPISchema {
        var s = OpenAPISchema(type: "integer")
        s.description = description
        s.format = format
        return s
    }

    public static func int64(_ description: String? = nil) -> OpenAPISchema { integer(description, format: "int64") }

    public static func boolean(_ description: String? = nil, default value: Bool? = nil) -> OpenAPISchema {
        var s = OpenAPISchema(type: "boolean")
        s.description = description
        s.defaultValue = value.map(JSONValue.bool)
        return s
    }

    public static func object(
        _ description: String? = nil, required: [String] = [], _ properties: [(String, OpenAPISchema)]
    ) -> OpenAPISchema {
        var s = OpenAPISchema(type: "object")
        s.description = description
        s.properties = properties.map { (name: $0.0, schema: $0.1) }
        s.required = required
        return s
    }

    /// An object whose members are not described: kept as written (`x-kubernetes-preserve-unknown-fields`).
    public static func freeForm(_ description: String? = nil) -> OpenAPISchema {
        var s = OpenAPISchema(type: "object")
        s.description = description
        s.preserveUnknownFields = true
        return s
    }

    public static func array(_ description: String? = nil, of items: OpenAPISchema) -> OpenAPISchema {
        var s = OpenAPISchema(type: "array")
        s.description = description
        s.items = items
        return s
    }

    /// A map of string keys to `values` (`additionalProperties`).
    public static func map(_ description: String? = nil, of values: OpenAPISchema) -> OpenAPISchema {
        var s = OpenAPISchema(type: "object")
        s.description = description
        s.additionalProperties = values
        return s
    }

    public static func stringMap(_ description: String? = nil) -> OpenAPISchema {
        map(description, of: .string())
    }

    // MARK: Modifiers

    public func with(_ change: (inout OpenAPISchema) -> Void) -> OpenAPISchema {
        var copy = self
        change(&copy)
        return copy
    }

    public func defaulting(to value: JSONValue) -> OpenAPISchema { with { $0.defaultValue = value } }
    public func preservingUnknownFields() -> OpenAPISchema { with { $0.preserveUnknownFields = true } }

    // MARK: Rendering

    /// The schema as it appears in a CRD, keys in the order the Kubernetes tooling writes them (sorted).
    public var json: JSONValue {
        var o = JSONObject()
        if let defaultValue { o["default"] = defaultValue }
        if let description { o["description"] = .string(description) }
        if !enumValues.isEmpty { o["enum"] = .array(enumValues) }
        if let format { o["format"] = .string(format) }
        if let items { o["items"] = items.json }
        if let additionalProperties { o["additionalProperties"] = additionalProperties.json }
        if let maxLength { o["maxLength"] = .int(maxLength) }
        if let maximum { o["maximum"] = .int(maximum) }
        if let minLength { o["minLength"] = .int(minLength) }
        if let minimum { o["minimum"] = .int(minimum) }
        if nullable { o["nullable"] = true }
        if let pattern { o["pattern"] = .string(pattern) }
        if !properties.isEmpty {
            var p = JSONObject()
            for (name, schema) in properties { p[name] = schema.json }
            o["properties"] = .object(p)
        }
        if !required.isEmpty { o["required"] = .array(required.map(JSONValue.string)) }
        if let type { o["type"] = .string(type) }
        if embeddedResource { o["x-kubernetes-embedded-resource"] = true }
        if intOrString { o["x-kubernetes-int-or-string"] = true }
        if !listMapKeys.isEmpty { o["x-kubernetes-list-map-keys"] = .array(listMapKeys.map(JSONValue.string)) }
        if let listType { o["x-kubernetes-list-type"] = .string(listType) }
        if let mapType { o["x-kubernetes-map-type"] = .string(mapType) }
        if preserveUnknownFields { o["x-kubernetes-preserve-unknown-fields"] = true }
        if !validations.isEmpty {
            o["x-kubernetes-validations"] = .array(validations.map { ["message": .string($0.message), "rule": .string($0.rule)] })
        }
        return .object(o)
    }
}

extension OpenAPISchema {
    /// `metav1.Condition`, as every status in the API declares it.
    public static let condition = OpenAPISchema.object(
        "One aspect of the object's current state.",
        required: ["lastTransitionTime", "message", "reason", "status", "type"],
        [
            ("lastTransitionTime", .string("When the condition last changed status.", format: "date-time")),
            ("message", .string("Details of the transition, for people.").with { $0.maxLength = 32768 }),
            ("observedGeneration", .int64("The metadata.generation the condition was set from.").with { $0.minimum = 0 }),
            ("reason", .string("A CamelCase reason for the last transition.").with {
                $0.minLength = 1
                $0.maxLength = 1024
                $0.pattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"
            }),
            ("status", .string("True, False or Unknown.", enum: ["True", "False", "Unknown"])),
            ("type", .string("The condition type, in CamelCase.").with {
                $0.maxLength = 316
                $0.pattern = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
            }),
        ])

    public static func conditions(_ description: String? = nil) -> OpenAPISchema {
        .array(description, of: .condition)
    }

    /// A reference to a Secret by name and namespace.
    public static func secretReference(_ description: String? = nil) -> OpenAPISchema {
        OpenAPISchema.object(description, [
            ("name", .string("Name of the Secret.")),
            ("namespace", .string("Namespace of the Secret.")),
        ]).with { $0.mapType = "atomic" }
    }
}
