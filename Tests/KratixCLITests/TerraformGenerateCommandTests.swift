import Foundation
import KratixTestSupport
import KubeModel
import Testing

/// `kratix terraform-generate` as a pipeline runs it (scenario 12): HCL by default, JSON on request,
/// and the image map sends upstream's v0.6.0 tag to JSON and v0.7.0 to HCL.
@Suite struct TerraformGenerateCommandTests {
    static let assets = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/kratix-cli/stages/terraform-module-promise/test/assets")

    func run(_ arguments: [String], input: String, output: URL) async throws -> TestShell.Output {
        try await TestShell.run(Support.kratixBinary.path, ["terraform-generate"] + arguments, environment: [
            "KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_INPUT_FILE": Self.assets.appendingPathComponent(input).path,
            "KRATIX_OUTPUT_DIR": output.path, "MODULE_SOURCE": "git::example.com?ref=1.0.0",
        ])
    }

    @Test func writesHCLByDefaultAndJSONWhenAsked() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-tfgen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let hcl = try await run([], input: "test-object.yaml", output: output)
        #expect(hcl.status == 0, "\(hcl.stderr)")
        let file = output.appendingPathComponent("testobject_non-default_test-object.tf")
        #expect(hcl.stdout == "Terraform configuration written to \(file.path)\n")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("module \"testobject_non-default_test-object\" {\n  source = \"git::example.com?ref=1.0.0\"\n\n  field    = \"value\"\n"))
        let noSpec = try await run([], input: "test-object-no-spec.yaml", output: output)
        #expect(noSpec.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8)
            == "module \"testobject_non-default_test-object\" {\n  source = \"git::example.com?ref=1.0.0\"\n}\n")
        let json = try await run(["--format", "json"], input: "test-object.yaml", output: output)
        #expect(json.status == 0, "\(json.stderr)")
        let value = try JSONParser.parse(String(contentsOf: output.appendingPathComponent("testobject_non-default_test-object.tf.json"), encoding: .utf8))
        #expect(value[path: ["module", "testobject_non-default_test-object", "number"]] == 7)
    }

    @Test func registryVersionWithAGitSourceFailsAsUpstream() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-tfgen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try await TestShell.run(Support.kratixBinary.path, ["terraform-generate"], environment: [
            "KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_INPUT_FILE": Self.assets.appendingPathComponent("test-object.yaml").path,
            "KRATIX_OUTPUT_DIR": output.path, "MODULE_SOURCE": "git::example.com?ref=1.0.0", "MODULE_REGISTRY_VERSION": "9.9.9",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("MODULE_REGISTRY_VERSION is only valid for Terraform registry sources"), "\(result.stderr)")
    }

    @Test func helmPromiseWithAnUnreachableChartURLNamesIt() async throws {
        let url = "http://127.0.0.1:1/charts/demo-0.1.0.tgz"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-helm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await TestShell.run(Support.kratixBinary.path, [
            "init", "helm-promise", "demo", "--chart-url", url, "--group", "example.io", "--kind", "Demo", "--dir", dir.path,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains(url), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("promise.yaml").path))
    }

    @Test func exampleImageMapSendsEachUpstreamTagToItsFormat() throws {
        let map = try YAMLReader.singleDocument(
            in: String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("examples/images.yaml"), encoding: .utf8))
        let entries = map["images"]?.arrayValue ?? []
        func command(_ image: String) -> [String]? {
            entries.first { $0["image"]?.stringValue == image }?["command"]?.arrayValue?.compactMap(\.stringValue)
        }
        #expect(command("ghcr.io/syntasso/kratix-cli/terraform-generate:v0.6.0") == ["kratix", "terraform-generate", "--format", "json"])
        #expect(command("ghcr.io/syntasso/kratix-cli/terraform-generate:v0.7.0") == ["kratix", "terraform-generate", "--format", "hcl"])
        #expect(command("ghcr.io/syntasso/kratix-cli/helm-resource-configure") == ["kratix", "helm-resource-configure"])
        let pulumi = entries.first { $0["image"]?.stringValue == "ghcr.io/syntasso/kratix-cli/pulumi-generator" }
        #expect(pulumi?[path: ["commands", "/pulumi-program-generator"]] == ["kratix", "pulumi-generator", "program"])
    }
}
