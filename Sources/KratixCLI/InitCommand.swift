import ArgumentParser
import Foundation
import KratixTerraform

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Generate Promises.", subcommands: [TFModulePromise.self, HelmPromise.self, PulumiComponentPromise.self] + authoringInitCommands)

    /// `kratix init tf-module-promise`: a Promise whose API is a Terraform module's variables.
    struct TFModulePromise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tf-module-promise",
            abstract: "A Promise from a Terraform module.",
            discussion: """
                Reads the module's variables.tf (a local path directly; git and registry sources through \
                `terraform init -backend=false`, so Terraform must be on PATH for them) and writes a Promise \
                whose resource workflow generates a module call per request.
                """)

        @Argument(help: "The Promise name.") var name: String
        @Option(name: [.customShort("s"), .customLong("module-source")], help: "The module source, as Terraform accepts it.")
        var moduleSource: String
        @Option(name: [.customShort("g"), .long], help: "The API group of the generated CRD.") var group: String
        @Option(name: [.customShort("k"), .long], help: "The kind of the generated CRD.") var kind: String
        @Option(name: [.customShort("r"), .customLong("module-registry-version")], help: "The module version (registry sources only).")
        var moduleRegistryVersion: String?
        @Option(name: [.customShort("v"), .long], help: "The CRD version.") var version = "v1alpha1"
        @Option(help: "The CRD plural (default: lower-case kind + s).") var plural: String?
        @Option(name: [.customShort("d"), .long], help: "The output directory.") var dir = "."
        @Flag(help: "Write api.yaml, dependencies.yaml and workflow files instead of promise.yaml.") var split = false
        @Flag(name: .customLong("generate-outputs"), help: "Pass the module's outputs (outputs.tf) to the generator.")
        var generateOutputs = false
        @Option(
            name: .customLong("module-providers"),
            help: "Module files to ship as Promise dependencies (repeat or comma-separate; default: versions.tf and providers.tf when present).")
        var moduleProviders: [String] = []
        @Flag(
            name: .customLong("typed-objects"),
            help: "Model object({...}), optional(...), set(...), tuple([...]) and untyped defaults as real schemas (beyond upstream).")
        var typedObjects = false

        func run() async throws {
            let providers = moduleProviders.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
                .filter { !$0.isEmpty }
            let request = TFModulePromiseInit.Request(
                name: name, moduleSource: moduleSource, moduleRegistryVersion: moduleRegistryVersion, group: group, kind: kind,
                version: version, plural: plural, split: split, generateOutputs: generateOutputs,
                moduleProviders: providers.isEmpty ? nil : providers, typedObjects: typedObjects)
            if !ModuleSource(moduleSource).isLocal {
                print("Fetching terraform module variables, this might take up to a minute...")
            }
            // HCLError and TerraformError describe themselves (file:line:column, field); they are
            // reported as they are, without the usage text a ValidationError would add.
            let result = try await TFModulePromiseInit.run(request)
            for note in result.notes {
                FileHandle.standardError.write(Data((note + "\n").utf8))
            }
            for warning in result.warnings { print(warning) }
            try GeneratedFile.write(result.files, to: URL(fileURLWithPath: dir))
            let dependencies = URL(fileURLWithPath: dir).appendingPathComponent(PromiseGenerator.dependenciesDirectory).path
            print("Dependencies added as a Promise workflow.")
            print("Run the following command to build the dependencies image:")
            print("\n  docker build -t \(PromiseGenerator.dependenciesImage) \(dependencies)\n")
            print("Don't forget to update the image tag in the Promise and push your image to a registry!")
            print(
                "Promise generated successfully. It is set to schedule to Destinations with the label `environment: terraform` by default. To modify this behavior, update the `.spec.destinationSelectors` field in `promise.yaml`"
            )
        }
    }
}
