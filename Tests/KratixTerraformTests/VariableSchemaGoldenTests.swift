import Foundation
import KubeModel
import Testing

@testable import KratixTerraform

/// The shared fixtures' variables.tf files give exactly the CRDs upstream generates for them.
@Suite struct VariableSchemaGoldenTests {
    func generatedSchema(_ module: String) throws -> (CRDSpecSchema, [String]) {
        var notes: [String] = []
        let path = "modules/\(module)/variables.tf"
        let variables = try TerraformModuleReader.variables(source: Fixtures.read(path), file: path, notes: &notes)
        return (VariableSchemaConverter.specSchema(for: variables), notes)
    }

    func expectedSchema(_ api: String) throws -> JSONValue {
        let crd = try Fixtures.yaml("api/\(api).yaml")
        return try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
    }

    @Test func localModuleGivesLocalYAML() throws {
        let (schema, notes) = try generatedSchema("local/basic")
        #expect(notes.isEmpty)
        #expect(schema.warnings.isEmpty)
        let expected = try expectedSchema("local")
        #expect(differences(schema.openAPIV3Schema, expected) == [])
    }

    @Test func vpcModuleGivesGitYAML() throws {
        let (schema, notes) = try generatedSchema("terraform-aws-vpc-v5.7.0")
        #expect(notes.isEmpty)
        #expect(schema.warnings.isEmpty)
        let expected = try expectedSchema("git")
        let diff = differences(schema.openAPIV3Schema, expected)
        #expect(diff == [], "\(diff.prefix(20).joined(separator: "\n"))")
        #expect(schema.schema["properties"]?.objectValue?.count == 223)
    }

    @Test func wholeCRDMatchesLocalYAML() throws {
        let (schema, _) = try generatedSchema("local/basic")
        let crd = PromiseGenerator.customResourceDefinition(
            group: "example.com", kind: "Example", plural: "examples", version: "v1alpha1", schema: schema)
        #expect(differences(crd, try Fixtures.yaml("api/local.yaml")) == [])
    }
}
