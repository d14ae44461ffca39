import ArgumentParser
import Foundation
import KratixAuthoring
import KratixTerraform

extension PromiseInitOptions {
    /// The shared flags as KratixAuthoring takes them.
    func options(name: String) -> InitOptions {
        InitOptions(name: name, group: group, kind: kind, version: version, plural: plural, dir: dir, split: split)
    }
}

/// Writes generated files under `--dir`, reporting failures as authoring errors.
func writeGenerated(_ files: [GeneratedFile], to dir: String) throws {
    do {
        try GeneratedFile.write(files, to: URL(fileURLWithPath: dir))
    } catch {
        throw AuthoringError(error.description)
    }
}

/// `kratix init promise NAME`.
struct InitPromiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promise", abstract: "Initialize a new Promise.",
        discussion: "Writes promise.yaml (or, with --split, api.yaml and dependencies.yaml), example-resource.yaml and README.md.")

    @Argument(help: "The Promise name.") var name: String
    @OptionGroup var shared: PromiseInitOptions

    func run() async throws {
        let options = shared.options(name: name)
        try writeGenerated(PromiseInit.files(options), to: shared.dir)
        print(PromiseInit.summary(options))
    }
}

/// `kratix init operator-promise NAME` (preview).
struct InitOperatorPromiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-promise", abstract: "Preview: Generate a Promise from a given Kubernetes Operator.",
        discussion: "The operator's manifests become the Promise's dependencies and one of its CRDs its API.")

    @Argument(help: "The Promise name.") var name: String
    @OptionGroup var shared: PromiseInitOptions
    @Option(name: [.customShort("m"), .customLong("operator-manifests")], help: "The directory of the operator's manifests.")
    var operatorManifests: String
    @Option(name: [.customShort("a"), .customLong("api-schema-from")], help: "The CRD the Promise API is generated from.")
    var apiSchemaFrom: String

    func run() async throws {
        await PreviewNotice.show()
        let request = OperatorPromiseInit.Request(options: shared.options(name: name), operatorManifests: operatorManifests, apiSchemaFrom: apiSchemaFrom)
        try writeGenerated(OperatorPromiseInit.files(request), to: shared.dir)
        for line in OperatorPromiseInit.summary(request) { print(line) }
    }
}

/// `kratix init crossplane-promise NAME` (preview).
struct InitCrossplanePromiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crossplane-promise", abstract: "Preview: Initialize a new Promise from a Crossplane XRD.",
        discussion: "The XRD's first served version becomes the Promise API; requests become claims (or XRs).")

    @Argument(help: "The Promise name.") var name: String
    @OptionGroup var shared: PromiseInitOptions
    @Option(name: [.customShort("x"), .long], help: "The XRD file.") var xrd: String
    @Option(name: [.customShort("c"), .long], help: "A file of one or more Compositions.") var compositions: String?
    @Option(name: [.customShort("f"), .long], help: "A file of one or more Functions.") var functions: String?
    @Flag(name: [.customShort("s"), .customLong("skip-dependencies")], help: "Do not inline the XRD, Compositions and Functions.")
    var skipDependencies = false

    func run() async throws {
        await PreviewNotice.show()
        let request = CrossplanePromiseInit.Request(
            options: shared.options(name: name), xrd: xrd, compositions: compositions, functions: functions, skipDependencies: skipDependencies)
        let result = try CrossplanePromiseInit.run(request)
        for warning in result.warnings { print(warning) }
        try writeGenerated(result.files, to: shared.dir)
        print(CrossplanePromiseInit.successMessage)
    }
}
