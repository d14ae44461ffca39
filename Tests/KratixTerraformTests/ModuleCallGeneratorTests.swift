import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixTerraform

@Suite struct ModuleCallGeneratorTests {
    @Test func writesSortedIndentedJSONWithOutputs() throws {
        let object = try Fixtures.yaml("generate-input/test-object.yaml")
        let file = try ModuleCallGenerator.generate(
            object: object, moduleSource: "git::https://example.com/m.git?ref=v1", outputNames: ["id", "arn"])
        #expect(file.path == "testobject_non-default_test-object.tf.json")
        #expect(!file.contents.hasSuffix("\n"))
        let expected = """
            {
              "module": {
                "testobject_non-default_test-object": {
                  "field": "value",
                  "intArr": [
                    1
                  ],
                  "listBool": [
                    true
                  ],
                  "mapWithinMap": {
                    "entry": "value",
                    "entry2": 2,
                    "entry3": false,
                    "entryMap": {
                      "entry": "value",
                      "entry2": 2,
                      "entry3": false
                    }
                  },
                  "number": 7,
                  "source": "git::https://example.com/m.git?ref=v1",
                  "strArr": [
                    {
                      "field": "value"
                    }
                  ]
                }
              },
              "output": {
                "testobject_non-default_test-object_arn": {
                  "value": "${module.testobject_non-default_test-object.arn}"
                },
                "testobject_non-default_test-object_id": {
                  "value": "${module.testobject_non-default_test-object.id}"
                }
              }
            }
            """
        #expect(file.contents == expected)
    }

    @Test func objectWithoutSpecGivesOnlySource() throws {
        let object = try Fixtures.yaml("generate-input/test-object-no-spec.yaml")
        let file = try ModuleCallGenerator.generate(object: object, moduleSource: "./module")
        #expect(file.contents == """
            {
              "module": {
                "testobject_non-default_test-object": {
                  "source": "./module"
                }
              }
            }
            """)
    }

    @Test func dropsNullsAndEmptyListsButKeepsEmptyMaps() throws {
        let object: JSONValue = [
            "kind": "S3", "metadata": ["name": "example-s3", "namespace": "default"],
            "spec": ["a": nil, "b": [], "c": [:], "d": ["x": nil], "e": 1.5],
        ]
        let file = try ModuleCallGenerator.generate(object: object, moduleSource: "ns/name/aws", registryVersion: "1.2.3")
        #expect(file.path == "s3_default_example-s3.tf.json")
        let parsed = try JSONParser.parse(file.contents)
        #expect(parsed[path: ["module", "s3_default_example-s3"]] == ["c": [:], "d": ["x": nil], "e": 1.5, "source": "ns/name/aws", "version": "1.2.3"])
    }

    @Test func rejectsVersionForNonRegistrySourceAndMissingFields() throws {
        let object: JSONValue = ["kind": "S3", "metadata": ["name": "n", "namespace": "default"]]
        #expect(throws: TerraformError.self) {
            try ModuleCallGenerator.generate(object: object, moduleSource: "git::https://x/y.git", registryVersion: "1.0.0")
        }
        #expect(throws: TerraformError.self) { try ModuleCallGenerator.generate(object: object, moduleSource: nil) }
        do {
            _ = try ModuleCallGenerator.generate(object: ["kind": "S3", "metadata": ["name": "n"]], moduleSource: "./m")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "metadata.namespace")
        }
    }

    @Test func outputNamesAreTrimmedAndEmptiesDropped() {
        #expect(ModuleCallGenerator.outputNames(from: " a, b ,,c,") == ["a", "b", "c"])
        #expect(ModuleCallGenerator.outputNames(from: nil) == [])
    }

    @Test func registrySourceDetection() {
        #expect(ModuleSource("terraform-aws-modules/vpc/aws").isRegistry)
        #expect(ModuleSource("ns/name/provider//sub").isRegistry)
        #expect(!ModuleSource("./local/a/b").isRegistry)
        #expect(!ModuleSource("git::https://github.com/a/b.git").isRegistry)
        #expect(!ModuleSource("github.com/a").isRegistry)
        #expect(ModuleSource("git::https://host/repo.git//modules/x?ref=v1").subdirectory == "modules/x")
        #expect(ModuleSource("ns/name/provider//sub").subdirectory == "sub")
        #expect(ModuleSource("git::https://host/repo.git?ref=v1").subdirectory == nil)
    }
}

/// The generated module call is valid Terraform: `terraform init -backend=false && terraform
/// validate` against a local module declaring the request's variables.
@Suite(.serialized)  // needs Terraform 1.0.3 (TestEnvironment.terraform)
struct ModuleCallTerraformValidateTests {
    static let moduleVariables = """
        variable "strArr" {
          type = list(map(string))
        }
        variable "intArr" {
          type = list(number)
        }
        variable "listBool" {
          type = list(bool)
        }
        variable "field" {
          type = string
        }
        variable "mapWithinMap" {
          type = any
        }
        variable "number" {
          type = number
        }
        output "id" {
          value = "${var.field}-${var.number}"
        }
        output "flags" {
          value = var.listBool
        }
        """

    static let optionalOnlyVariables = """
        variable "size" {
          type    = number
          default = 1
        }
        output "id" {
          value = var.size
        }
        """

    func validate(input: String, module: String, outputs: [String], format: ModuleCallGenerator.Format = .json) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("module/variables.tf", module)
        let object = try Fixtures.yaml("generate-input/\(input)")
        let file = try ModuleCallGenerator.generate(object: object, moduleSource: "./module", outputNames: outputs, format: format)
        #expect(file.path.hasSuffix(format == .hcl ? ".tf" : ".tf.json"))
        try GeneratedFile.write([file], to: dir.url.appendingPathComponent("root"))
        // Terraform resolves ./module relative to the root configuration.
        try FileManager.default.moveItem(
            at: dir.url.appendingPathComponent("module"), to: dir.url.appendingPathComponent("root/module"))
        let cli = try TerraformCLI(executable: try #require(TestEnvironment.terraform, "\(TestEnvironment.terraformMissing)")).with(home: dir.url.appendingPathComponent("home"))
        let root = dir.url.appendingPathComponent("root")
        let version = try await cli.run(["version"], in: root)
        let initResult = try await cli.run(["init", "-backend=false", "-no-color"], in: root)
        #expect(initResult.status == 0, "\(version.output)\n\(initResult.output)")
        let validateResult = try await cli.run(["validate", "-no-color"], in: root)
        #expect(validateResult.status == 0, "\(version.output)\n\(validateResult.output)")
    }

    @Test func requestWithSpecValidates() async throws {
        try await validate(input: "test-object.yaml", module: Self.moduleVariables, outputs: ["id", "flags"])
    }

    @Test func requestWithoutSpecValidates() async throws {
        try await validate(input: "test-object-no-spec.yaml", module: Self.optionalOnlyVariables, outputs: ["id"])
    }

    @Test func hclRequestWithSpecValidates() async throws {
        try await validate(input: "test-object.yaml", module: Self.moduleVariables, outputs: ["id", "flags"], format: .hcl)
    }

    @Test func hclRequestWithoutSpecValidates() async throws {
        try await validate(input: "test-object-no-spec.yaml", module: Self.optionalOnlyVariables, outputs: ["id"], format: .hcl)
    }

    @Test func mismatchedVariablesFailValidation() async throws {
        try await mismatchedVariables()
    }

    func mismatchedVariables() async throws {
        // The check has teeth: an argument the module does not declare is rejected.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let object = try Fixtures.yaml("generate-input/test-object.yaml")
        let file = try ModuleCallGenerator.generate(object: object, moduleSource: "./module")
        try GeneratedFile.write([file], to: dir.url)
        try dir.write("module/variables.tf", Self.optionalOnlyVariables)
        let cli = try TerraformCLI(executable: try #require(TestEnvironment.terraform, "\(TestEnvironment.terraformMissing)")).with(home: dir.url.appendingPathComponent("home"))
        _ = try await cli.run(["init", "-backend=false", "-no-color"], in: dir.url)
        let result = try await cli.run(["validate", "-no-color"], in: dir.url)
        #expect(result.status != 0)
    }
}

extension TerraformCLI {
    /// Keeps Terraform away from the real home directory and plugin caches.
    func with(home: URL) throws -> TerraformCLI {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var copy = self
        copy.environment["HOME"] = home.path
        copy.environment["TF_DATA_DIR"] = home.appendingPathComponent("tf-data").path
        copy.environment["CHECKPOINT_DISABLE"] = "1"
        return copy
    }
}
