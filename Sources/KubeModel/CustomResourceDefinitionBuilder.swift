/// Describes one CustomResourceDefinition (single version, as Kratix's are) and renders it.
public struct CustomResourceDefinitionBuilder: Sendable {
    public enum Scope: String, Sendable {
        case namespaced = "Namespaced"
        case cluster = "Cluster"
    }

    public struct PrinterColumn: Sendable, Equatable {
        public var name: String
        public var type: String
        public var jsonPath: String
        public var description: String?

        public init(_ name: String, type: String = "string", jsonPath: String, description: String? = nil) {
            self.name = name
            self.type = type
            self.jsonPath = jsonPath
            self.description = description
        }

        var json: JSONValue {
            var o: JSONObject = [:]
            if let description { o["description"] = .string(description) }
            o["jsonPath"] = .string(jsonPath)
            o["name"] = .string(name)
            o["type"] = .string(type)
            return .object(o)
        }
    }

    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var scope: Scope
    public var shortNames: [String] = []
    public var categories: [String] = []
    public var printerColumns: [PrinterColumn] = []
    public var hasStatusSubresource = true
    public var selectableFields: [String] = []
    public var labels: [String: String] = [:]
    /// The object schema's members besides apiVersion, kind and metadata (spec, status, or data).
    public var properties: [(String, OpenAPISchema)]
    public var required: [String] = []
    public var description: String?

    public init(
        group: String, version: String, kind: String, plural: String, scope: Scope,
        properties: [(String, OpenAPISchema)]
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.scope = scope
        self.properties = properties
    }

    public var name: String { "\(plural).\(group)" }

    public var rootSchema: OpenAPISchema {
        OpenAPISchema.object(
            description, required: required,
            [
                ("apiVersion", .string("The versioned schema of this representation of an object.")),
                ("kind", .string("The REST resource this object represents.")),
                ("metadata", OpenAPISchema(type: "object")),
            ] + properties)
    }

    /// The `apiextensions.k8s.io/v1` CustomResourceDefinition.
    public var json: JSONValue {
        var names: JSONObject = [:]
        if !categories.isEmpty { names["categories"] = .array(categories.map(JSONValue.string)) }
        names["kind"] = .string(kind)
        names["listKind"] = .string(kind + "List")
        names["plural"] = .string(plural)
        if !shortNames.isEmpty { names["shortNames"] = .array(shortNames.map(JSONValue.string)) }
        names["singular"] = .string(singular)

        var versionObject: JSONObject = [:]
        if !printerColumns.isEmpty { versionObject["additionalPrinterColumns"] = .array(printerColumns.map(\.json)) }
        versionObject["name"] = .string(version)
        versionObject["schema"] = ["openAPIV3Schema": rootSchema.json]
        if !selectableFields.isEmpty {
            versionObject["selectableFields"] = .array(selectableFields.map { ["jsonPath": .string($0)] })
        }
        versionObject["served"] = true
        versionObject["storage"] = true
        if hasStatusSubresource { versionObject["subresources"] = ["status": [:]] }

        var metadata: JSONObject = ["name": .string(name)]
        if !labels.isEmpty {
            var l = JSONObject()
            for key in labels.keys.sorted() { l[key] = .string(labels[key]!) }
            metadata["labels"] = .object(l)
        }
        return [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": .object(metadata),
            "spec": [
                "group": .string(group),
                "names": .object(names),
                "scope": .string(scope.rawValue),
                "versions": [.object(versionObject)],
            ],
        ]
    }
}
