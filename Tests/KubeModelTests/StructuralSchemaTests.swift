import Testing

@testable import KubeModel

@Suite struct StructuralSchemaTests {
    @Test func acceptsAStructuralSchema() {
        let schema = OpenAPISchema.object("root", [
            ("metadata", OpenAPISchema(type: "object")),
            ("spec", .object(nil, [("a", .string()), ("m", .stringMap()), ("free", .freeForm()), ("list", .array(of: .int64()))])),
        ])
        #expect(StructuralSchema.problems(in: schema.json) == [])
    }

    @Test func allowsTheIntOrStringPattern() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["quantity": ["x-kubernetes-int-or-string": true, "anyOf": [["type": "integer"], ["type": "string"]], "pattern": "^[0-9]+$"]],
        ]
        #expect(StructuralSchema.problems(in: schema) == [])
        let notIntOrString: JSONValue = ["type": "object", "properties": ["q": ["type": "string", "anyOf": [["type": "integer"]]]]]
        #expect(!StructuralSchema.problems(in: notIntOrString).isEmpty)
    }

    @Test func reportsEveryViolation() {
        let bad: JSONValue = [
            "type": "object",
            "properties": [
                "untyped": ["description": "no type"],
                "both": ["type": "object", "properties": ["a": ["type": "string"]], "additionalProperties": ["type": "string"]],
                "tupleItems": ["type": "array", "items": [["type": "string"]]],
                "ref": ["$ref": "#/x", "type": "object"],
                "metadata": ["type": "object", "properties": ["labels": ["type": "object"]]],
            ],
        ]
        let problems = StructuralSchema.problems(in: bad)
        #expect(problems.contains { $0.hasPrefix("openAPIV3Schema.properties.untyped.type") })
        #expect(problems.contains { $0.contains("properties.both: properties and additionalProperties") })
        #expect(problems.contains { $0.contains("tupleItems.items: must be a single schema") })
        #expect(problems.contains { $0.contains("ref.$ref: forbidden") })
        #expect(problems.contains { $0.contains("metadata.properties.labels: only name and generateName") })
    }
}
