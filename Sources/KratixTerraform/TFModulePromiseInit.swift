import Foundation
import KubeModel

/// `kratix init tf-module-promise`: fetch the module, read its variables (and outputs), and lay
/// out the Promise files. Writing them is left to the caller.
public enum TFModulePromiseInit {
    public struct Request: Sendable, Equatable {
        public var name: String
        public var moduleSource: String
        public var moduleRegistryVersion: String?
        public var group: String
        public var kind: String
        public var version: String
        public var plural: String?
        public var split: Bool
        public var generateOutputs: Bool
        /// File names in the module to ship as dependencies; nil picks whichever of
        /// `versions.tf` and `providers.tf` exist.
        public var moduleProviders: [String]?
        public var typedObjects: Bool

        public init(
            name: String, moduleSource: String, moduleRegistryVersion: String? = nil, group: String, kind: String,
            version: String = "v1alpha1", plural: String? = nil, split: Bool = false, generateOutputs: Bool = false,
            moduleProviders: [String]? = nil, typedObjects: Bool = false
        ) {
            self.name = name
            self.moduleSource = moduleSource
            self.moduleRegistryVersion = moduleRegistryVersion
            self.group = group
            self.kind = kind
            self.version = version
            self.plural = plural
            self.split = split
            self.generateOutputs = generateOutputs
            self.moduleProviders = moduleProviders
            self.typedObjects = typedObjects
        }
    }

    public struct Result: Sendable, Equatable {
        public var files: [GeneratedFile]
        /// Upstream's `warning: ...` lines (skipped variables and defaults), for stdout.
        public var warnings: [String]
        /// Defaults that were not constants, for stderr.
        public var notes: [String]
    }

    /// Throws ``TerraformError`` for flags and fetching, ``HCLError`` for the module's files.
    public static func run(_ request: Request, fetcher: ModuleFetcher = ModuleFetcher()) async throws -> Result {
        let source = ModuleSource(request.moduleSource)
        let fetched = try await fetcher.fetch(source: source, registryVersion: request.moduleRegistryVersion)
        defer {
            if let scratch = fetched.scratch { try? FileManager.default.removeItem(at: scratch) }
        }
        return try generate(request, moduleDirectory: fetched.directory)
    }

    /// Everything after the module is on disk.
    public static func generate(_ request: Request, moduleDirectory directory: URL) throws -> Result {
        let variablesURL = directory.appendingPathComponent("variables.tf")
        guard let variablesText = try? String(contentsOf: variablesURL, encoding: .utf8) else {
            throw TerraformError("failed to parse variables: the module has no variables.tf", file: variablesURL.path)
        }
        var notes: [String] = []
        let variables = try TerraformModuleReader.variables(
            source: variablesText, file: displayPath(variablesURL), notes: &notes)
        let schema = request.typedObjects
            ? TypedSchemaConverter.specSchema(for: variables)
            : VariableSchemaConverter.specSchema(for: variables)

        var outputNames: [String] = []
        if request.generateOutputs {
            let outputsURL = directory.appendingPathComponent("outputs.tf")
            if let text = try? String(contentsOf: outputsURL, encoding: .utf8) {
                outputNames = try TerraformModuleReader.outputNames(in: HCLFile(source: text, name: displayPath(outputsURL)))
            }
        }

        var providerFiles: [TFModulePromiseOptions.ProviderFile] = []
        let manager = FileManager.default
        let names = request.moduleProviders ?? ["versions.tf", "providers.tf"].filter {
            manager.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw TerraformError("provider file \(name) not found in the module", file: url.path, field: "--module-providers")
            }
            providerFiles.append(.init(name: (name as NSString).lastPathComponent, contents: text))
        }

        let options = TFModulePromiseOptions(
            name: request.name, moduleSource: request.moduleSource, moduleRegistryVersion: request.moduleRegistryVersion,
            group: request.group, kind: request.kind, version: request.version, plural: request.plural, split: request.split,
            outputNames: outputNames, providerFiles: providerFiles, commandLine: commandLine(request))
        return Result(files: PromiseGenerator.files(options, schema: schema), warnings: schema.warnings, notes: notes)
    }

    /// The init command line the README records: `--generate-outputs` whenever it was given, as
    /// upstream records it, even for a module without outputs.
    static func commandLine(_ request: Request) -> String {
        var line = "kratix init tf-module-promise \(request.name) --module-source \(request.moduleSource)"
        if let version = request.moduleRegistryVersion { line += " --module-registry-version \(version)" }
        if request.generateOutputs { line += " --generate-outputs" }
        return line + " --group \(request.group) --kind \(request.kind)"
    }

    /// Paths under the working directory are shown relative to it, as users typed them.
    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }
}
