import ArgumentParser
import Foundation
import KratixTerraform
import KubeModel

/// The pipeline stage generated Promises run: the request in `/kratix/input/object.yaml` becomes
/// a Terraform module call in `/kratix/output`: canonical HCL as upstream's `terraform-generate:v0.7.0`
/// writes it, or with `--format json` the `.tf.json` of `v0.6.0` (the tag the upstream CLI pins).
struct TerraformGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terraform-generate",
        abstract: "The Terraform-generating pipeline stage.",
        discussion: """
            Reads MODULE_SOURCE (required), MODULE_REGISTRY_VERSION and MODULE_OUTPUT_NAMES (comma-separated) \
            from the environment and writes <kind>_<namespace>_<name>.tf (HCL, v0.7.0), or with --format json \
            <kind>_<namespace>_<name>.tf.json (v0.6.0). In a promise workflow \
            (KRATIX_WORKFLOW_TYPE other than resource) it writes nothing.
            """)

    @Option(help: "The resource request (default: KRATIX_INPUT_FILE, else /kratix/input/object.yaml).") var input: String?
    @Option(help: "The output directory (default: KRATIX_OUTPUT_DIR, else /kratix/output).") var output: String?
    @Option(help: "hcl (v0.7.0's .tf) or json (v0.6.0's .tf.json).") var format: ModuleCallGenerator.Format = .hcl

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        if let type = env["KRATIX_WORKFLOW_TYPE"], !type.isEmpty, type != "resource" {
            print("terraform-generate: nothing to do in a \(type) workflow")
            return
        }
        let inputPath = input ?? env["KRATIX_INPUT_FILE"] ?? "/kratix/input/object.yaml"
        let outputPath = output ?? env["KRATIX_OUTPUT_DIR"] ?? "/kratix/output"
        guard let data = FileManager.default.contents(atPath: inputPath) else {
            throw TerraformError("cannot read the resource request", file: inputPath)
        }
        let object = try YAMLReader.singleDocument(in: String(decoding: data, as: UTF8.self), source: inputPath)
        let file = try ModuleCallGenerator.generate(
            object: object, moduleSource: env["MODULE_SOURCE"], registryVersion: env["MODULE_REGISTRY_VERSION"],
            outputNames: ModuleCallGenerator.outputNames(from: env["MODULE_OUTPUT_NAMES"]), file: inputPath, format: format)
        let directory = URL(fileURLWithPath: outputPath)
        try GeneratedFile.write([file], to: directory)
        print("Terraform configuration written to \(directory.appendingPathComponent(file.path).path)")
    }
}

extension ModuleCallGenerator.Format: ExpressibleByArgument {}
