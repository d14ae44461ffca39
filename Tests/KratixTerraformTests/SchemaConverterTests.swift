import KubeModel
import Testing

@testable import KratixTerraform

@Suite struct SchemaConverterTests {
    func variables(_ source: String) throws -> [TerraformVariable] {
        var notes: [String] = []
        return try TerraformModuleReader.variables(source: source, file: "variables.tf", notes: &notes)
    }

    func property(_ schema: CRDSpecSchema, _ name: String) -> JSONValue? {
        schema.schema[path: ["properties", name]]
    }

    static let table = """
        variable "s" {
          type = string
          default = 5
        }
        variable "lm" {
          type = list(map(string))
          default = [{ n = 100, b = true, s = "x", big = 1000000 }]
        }
        variable "lo" {
          type = list(object({ a = string }))
          default = []
        }
        variable "mo" { type = map(object({ a = string })) }
        variable "mm" { type = map(map(list(string))) }
        variable "many" { type = map(any) }
        variable "mset" { type = map(set(string)) }
        variable "o" {
          type = object({ a = string, b = optional(number, 3) })
          default = { a = "x" }
        }
        variable "set" { type = set(string) }
        variable "tuple" { type = tuple([string, number]) }
        variable "any" { type = any }
        variable "lany" { type = list(any) }
        variable "untyped_s" { default = "x" }
        variable "untyped_n" { default = 1.5 }
        variable "untyped_b" { default = true }
        variable "untyped_l" { default = ["a", "b"] }
        variable "untyped_e" { default = [] }
        variable "untyped_lm" { default = [{ a = 1 }] }
        variable "untyped_m" { default = { a = "b" } }
        variable "untyped_none" {}
        variable "heredoc" {
          type = string
          description = <<EOT
        Line one.
        Line two.
        EOT
        }
        """

    @Test func upstreamTableAndWarnings() throws {
        let schema = VariableSchemaConverter.specSchema(for: try variables(Self.table))
        #expect(property(schema, "s") == ["type": "string", "default": 5])
        #expect(property(schema, "lm") == [
            "type": "array", "items": ["type": "object", "additionalProperties": ["type": "string"]],
            "default": [["n": "100", "b": "true", "s": "x", "big": "1e+06"]],
        ])
        #expect(property(schema, "lo") == ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]])
        #expect(property(schema, "mo") == [
            "type": "object", "additionalProperties": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
        ])
        #expect(property(schema, "mm") == [
            "type": "object",
            "additionalProperties": ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"]]],
        ])
        #expect(property(schema, "many") == ["type": "object", "x-kubernetes-preserve-unknown-fields": true])
        #expect(property(schema, "mset") == ["type": "object", "x-kubernetes-preserve-unknown-fields": true])
        #expect(property(schema, "o") == ["type": "object", "x-kubernetes-preserve-unknown-fields": true])
        for dropped in ["set", "tuple", "any", "lany", "untyped_l", "untyped_e", "untyped_lm", "untyped_m", "untyped_none"] {
            #expect(property(schema, dropped) == nil, "\(dropped)")
        }
        #expect(property(schema, "untyped_s") == ["type": "string", "default": "x"])
        #expect(property(schema, "untyped_n") == ["type": "number", "default": 1.5])
        #expect(property(schema, "untyped_b") == ["type": "boolean", "default": true])
        #expect(property(schema, "heredoc") == ["type": "string", "description": "Line one.\nLine two.\n"])
        #expect(schema.schema["default"] == [:])
        #expect(schema.schema["required"] == nil)
        #expect(schema.warnings == [
            "warning: default value for variable lo is set but type list(object({ a = string })) does not support defaults, skipping",
            "warning: default value for variable o is set but type object({ a = string, b = optional(number, 3) }) does not support defaults, skipping",
            "warning: unable to automatically convert set of type set(string) into CRD, skipping",
            "warning: unable to automatically convert tuple of type tuple([string, number]) into CRD, skipping",
            "warning: unable to automatically convert any of type any into CRD, skipping",
            "warning: unable to automatically convert lany of type list(any) into CRD, skipping",
            "warning: Type not set for variable untyped_l and cannot be inferred from the default value, skipping",
            "warning: unable to automatically convert untyped_e of type list into CRD, skipping",
            "warning: unable to automatically convert untyped_lm of type list into CRD, skipping",
            "warning: Type not set for variable untyped_m and cannot be inferred from the default value, skipping",
            "warning: Type not set for variable untyped_none and cannot be inferred from the default value, skipping",
        ])
    }

    @Test func typedObjectsModelEverything() throws {
        let schema = TypedSchemaConverter.specSchema(for: try variables(Self.table))
        #expect(property(schema, "s") == ["type": "string", "default": "5"])
        #expect(property(schema, "lm")?["default"] == [["n": "100", "b": "true", "s": "x", "big": "1000000"]])
        #expect(property(schema, "o") == [
            "type": "object",
            "properties": ["a": ["type": "string"], "b": ["type": "number", "default": 3]],
            "required": ["a"],
            "default": ["a": "x", "b": 3],
        ])
        #expect(property(schema, "lo") == [
            "type": "array", "default": [],
            "items": ["type": "object", "properties": ["a": ["type": "string"]], "required": ["a"]],
        ])
        #expect(property(schema, "set") == ["type": "array", "items": ["type": "string"], "x-kubernetes-list-type": "set"])
        #expect(property(schema, "tuple") == [
            "type": "array", "items": ["x-kubernetes-preserve-unknown-fields": true], "minItems": 2, "maxItems": 2,
        ])
        #expect(property(schema, "mset") == [
            "type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"], "x-kubernetes-list-type": "set"],
        ])
        #expect(property(schema, "any") == ["x-kubernetes-preserve-unknown-fields": true])
        #expect(property(schema, "untyped_l") == ["type": "array", "items": ["type": "string"], "default": ["a", "b"]])
        #expect(property(schema, "untyped_e") == ["type": "array", "items": ["x-kubernetes-preserve-unknown-fields": true], "default": []])
        #expect(property(schema, "untyped_lm") == [
            "type": "array", "items": ["type": "object", "additionalProperties": ["type": "number"]], "default": [["a": 1]],
        ])
        #expect(property(schema, "untyped_m") == ["type": "object", "additionalProperties": ["type": "string"], "default": ["a": "b"]])
        #expect(property(schema, "untyped_none") == nil)
        #expect(schema.warnings == [
            "warning: Type not set for variable untyped_none and cannot be inferred from the default value, skipping"
        ])
        let root = CRDSpecSchema(schema: schema.schema, warnings: []).openAPIV3Schema
        #expect(StructuralSchema.problems(in: root) == [])
    }

    @Test func typedDefaultsThatDoNotConformAreSkippedWithAWarning() throws {
        let schema = TypedSchemaConverter.specSchema(for: try variables("""
            variable "o" {
              type = object({ a = string })
              default = { b = 1 }
            }
            """))
        #expect(property(schema, "o")?["default"] == nil)
        #expect(schema.warnings == ["warning: default value for variable o does not conform to type object({a = string}), skipping the default"])
    }

    @Test func goFloatFormatting() {
        #expect(GoValueFormat.string(100) == "100")
        #expect(GoValueFormat.string(100_000) == "100000")
        #expect(GoValueFormat.string(1_000_000) == "1e+06")
        #expect(GoValueFormat.string(1_234_567) == "1.234567e+06")
        #expect(GoValueFormat.string(1.5) == "1.5")
        #expect(GoValueFormat.string(0.0001) == "0.0001")
        #expect(GoValueFormat.string(0.00001) == "1e-05")
        #expect(GoValueFormat.string(-2.5) == "-2.5")
        #expect(GoValueFormat.string(true) == "true")
    }
}
