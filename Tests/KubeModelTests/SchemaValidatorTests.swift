import Testing

@testable import KubeModel

@Suite struct SchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "spec": [
                "type": "object", "required": ["path"],
                "properties": [
                    "path": ["type": "string", "minLength": 1],
                    "mode": ["type": "string", "enum": ["a", "b"], "default": "a"],
                    "size": ["type": "integer", "minimum": 1, "maximum": 10],
                    "name": ["type": "string", "pattern": "^[a-z]+$"],
                    "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                    "free": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                    "opts": ["type": "object", "default": [:], "properties": ["on": ["type": "boolean", "default": true]]],
                    "port": ["x-kubernetes-int-or-string": true],
                    "list": ["type": "array", "items": ["type": "object", "properties": ["x": ["type": "string"]]]],
                ],
            ],
        ],
    ]

    @Test func prunesDefaultsAndAcceptsValidObjects() {
        let (value, problems) = SchemaValidator(schema: schema).apply(to: [
            "apiVersion": "x/v1", "kind": "K", "metadata": ["name": "n", "labels": ["a": "b"]],
            "spec": ["path": "p", "unknown": 1, "free": ["anything": ["goes": true]], "labels": ["k": "v"], "port": "http", "list": [["x": "1", "y": "2"]]],
            "extra": "dropped",
        ])
        #expect(problems == [])
        #expect(value["extra"] == nil)
        #expect(value[path: ["spec", "unknown"]] == nil)
        #expect(value[path: ["spec", "free", "anything"]] == ["goes": true])
        #expect(value[path: ["spec", "mode"]] == "a")
        #expect(value[path: ["spec", "opts"]] == ["on": true])
        #expect(value[path: ["spec", "list"]] == [["x": "1"]])
        #expect(value[path: ["metadata", "labels"]] == ["a": "b"])
    }

    @Test func reportsProblemsPerField() {
        let (_, problems) = SchemaValidator(schema: schema).apply(to: [
            "spec": ["mode": "c", "size": 11, "name": "UPPER", "labels": ["k": 1], "port": true],
        ])
        let fields = Set(problems.map(\.field))
        #expect(fields == ["spec.path", "spec.mode", "spec.size", "spec.name", "spec.labels.k", "spec.port"], "\(problems)")
        #expect(problems.contains { $0.field == "spec.path" && $0.message == "Required value" })
        #expect(problems.contains { $0.field == "spec.mode" && $0.message.hasPrefix("Unsupported value: \"c\"") })
    }

    @Test func typeMismatchUsesTheServersWording() {
        let (_, problems) = SchemaValidator(schema: schema).apply(to: ["spec": "nope"])
        #expect(problems.map(\.description) == [#"spec: Invalid value: "string": spec in body must be of type object: "string""#])
    }
}
