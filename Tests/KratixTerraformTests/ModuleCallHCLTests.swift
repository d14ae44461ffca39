import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixTerraform

/// The v0.7.0 HCL format against the expectations of upstream's
/// `stages/terraform-module-promise/test/stage_test.go`, with its inputs read in place.
@Suite struct ModuleCallHCLTests {
    static let assets = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/kratix-cli/stages/terraform-module-promise/test/assets")

    static let body = """

          field    = "value"
          intArr   = [1]
          listBool = [true]
          mapWithinMap = {
            entry  = "value"
            entry2 = 2
            entry3 = false
            entryMap = {
              entry  = "value"
              entry2 = 2
              entry3 = false
            }
          }
          number = 7
          strArr = [{
            field = "value"
          }]
        }

        """

    static let expectedOutput = """
        module "testobject_non-default_test-object" {
          source = "git::example.com?ref=1.0.0"

        """ + body

    static let expectedRegistryOutput = """
        module "testobject_non-default_test-object" {
          source  = "terraform-aws-modules/iam/aws"
          version = "6.2.3"

        """ + body

    static let expectedOutputNoSpec = """
        module "testobject_non-default_test-object" {
          source = "git::example.com?ref=1.0.0"
        }

        """

    func object(_ name: String) throws -> JSONValue {
        try YAMLReader.singleDocument(in: String(contentsOf: Self.assets.appendingPathComponent(name), encoding: .utf8))
    }

    @Test func requestBecomesAModuleBlock() throws {
        let file = try ModuleCallGenerator.generate(object: object("test-object.yaml"), moduleSource: "git::example.com?ref=1.0.0", format: .hcl)
        #expect(file.path == "testobject_non-default_test-object.tf")
        #expect(file.contents == Self.expectedOutput)
    }

    @Test func requestWithoutSpecHasOnlySource() throws {
        let file = try ModuleCallGenerator.generate(object: object("test-object-no-spec.yaml"), moduleSource: "git::example.com?ref=1.0.0", format: .hcl)
        #expect(file.contents == Self.expectedOutputNoSpec)
    }

    @Test func registryVersionFollowsSource() throws {
        let file = try ModuleCallGenerator.generate(
            object: object("test-object.yaml"), moduleSource: "terraform-aws-modules/iam/aws", registryVersion: "6.2.3", format: .hcl)
        #expect(file.contents == Self.expectedRegistryOutput)
        #expect(throws: TerraformError.self) {
            _ = try ModuleCallGenerator.generate(object: object("test-object.yaml"), moduleSource: "git::example.com", registryVersion: "9.9.9", format: .hcl)
        }
    }

    @Test func outputsFollowAsBlocks() throws {
        let file = try ModuleCallGenerator.generate(
            object: object("test-object-no-spec.yaml"), moduleSource: "./m", outputNames: ["s3_bucket_id", "arn"], format: .hcl)
        #expect(file.contents == """
            module "testobject_non-default_test-object" {
              source = "./m"
            }

            output "testobject_non-default_test-object_s3_bucket_id" {
              value = module.testobject_non-default_test-object.s3_bucket_id
            }

            output "testobject_non-default_test-object_arn" {
              value = module.testobject_non-default_test-object.arn
            }

            """)
    }

    @Test func nestedNullAbortsAndStringsStayLiteral() throws {
        var request = try object("test-object-no-spec.yaml")
        request["spec"] = ["tags": ["a": nil]]
        #expect(throws: TerraformError.self) { _ = try ModuleCallGenerator.generate(object: request, moduleSource: "./m", format: .hcl) }
        request["spec"] = ["name": "${var.x} \"q\"", "empty": [:], "ratio": 0.5, "odd key": ["my-key": 1, "9x": 2]]
        let file = try ModuleCallGenerator.generate(object: request, moduleSource: "./m", format: .hcl)
        #expect(file.contents.contains(#"name  = "$${var.x} \"q\"""#))
        #expect(file.contents.contains("empty = {}"))
        #expect(file.contents.contains("ratio = 0.5"))
        #expect(file.contents.contains("    \"9x\"   = 2\n    my-key = 1\n"))
    }
}
