import Foundation
import KubeModel

/// Finds the directory of a module on disk: local paths directly, anything else through
/// `terraform init -backend=false` in a scratch directory, as upstream does.
public struct ModuleFetcher: Sendable {
    public var terraform: TerraformCLI?
    /// Where scratch directories go.
    public var scratchRoot: URL

    public init(terraform: TerraformCLI? = TerraformCLI.onPath(), scratchRoot: URL = FileManager.default.temporaryDirectory) {
        self.terraform = terraform
        self.scratchRoot = scratchRoot
    }

    static let target = "kratix_target"

    /// The module's directory, and the scratch directory holding it (nil for local modules) for
    /// the caller to remove once the module has been read.
    public func fetch(source: ModuleSource, registryVersion: String?) async throws(TerraformError) -> (directory: URL, scratch: URL?) {
        let directory = try await moduleDirectory(source: source, registryVersion: registryVersion)
        if source.isLocal { return (directory, nil) }
        var scratch = directory
        while scratch.pathComponents.count > 1, !scratch.lastPathComponent.hasPrefix("kratix-module-") {
            scratch.deleteLastPathComponent()
        }
        return (directory, scratch.lastPathComponent.hasPrefix("kratix-module-") ? scratch : nil)
    }

    /// The module's directory. `registryVersion` is only valid for registry sources.
    public func moduleDirectory(source: ModuleSource, registryVersion: String?) async throws(TerraformError) -> URL {
        if registryVersion != nil && !source.isRegistry {
            throw TerraformError(
                "only Terraform registry sources take a version; \(source.value) is not one", field: "--module-registry-version")
        }
        if source.isLocal {
            let url = URL(fileURLWithPath: source.value, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TerraformError("local module directory \(url.path) does not exist", field: "--module-source")
            }
            return url
        }
        guard var terraform else {
            throw TerraformError(
                "the terraform CLI is not on PATH; it is needed to download git and registry modules (\(source.value)). Install Terraform, or pass a local module path (./, ../ or /)",
                field: "--module-source")
        }
        let work = scratchRoot.appendingPathComponent("kratix-module-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw TerraformError("cannot create a scratch directory: \(error.localizedDescription)", file: work.path)
        }
        // The manifest is read from .terraform, so a TF_DATA_DIR set elsewhere must not move it.
        terraform.environment["TF_DATA_DIR"] = work.appendingPathComponent(".terraform").path
        try writeMain(in: work, source: source, version: registryVersion, placeholders: [])
        let first = try await terraform.run(["init", "-backend=false", "-no-color"], in: work)
        if first.status != 0 {
            // Terraform 1.15+ stops before finishing when required variables have no value; the
            // module is downloaded by then, so pass placeholders for them and try once more.
            var downloaded = work.appendingPathComponent(".terraform/modules/\(Self.target)")
            if let sub = source.subdirectory { downloaded.appendPathComponent(sub) }
            let variablesFile = downloaded.appendingPathComponent("variables.tf")
            guard let text = try? String(contentsOf: variablesFile, encoding: .utf8) else {
                throw TerraformError("terraform init -backend=false failed:\n\(first.output)", field: "--module-source")
            }
            var notes: [String] = []
            let required: [TerraformVariable]
            do {
                required = try TerraformModuleReader.variables(source: text, file: variablesFile.path, notes: &notes)
                    .filter { $0.defaultValue == nil }
            } catch {
                throw TerraformError("terraform init -backend=false failed:\n\(first.output)", field: "--module-source")
            }
            guard !required.isEmpty else {
                throw TerraformError("terraform init -backend=false failed:\n\(first.output)", field: "--module-source")
            }
            try writeMain(in: work, source: source, version: registryVersion, placeholders: required)
            let second = try await terraform.run(["init", "-backend=false", "-no-color"], in: work)
            guard second.status == 0 else {
                throw TerraformError("terraform init -backend=false failed:\n\(second.output)", field: "--module-source")
            }
        }
        return try directoryFromManifest(in: work)
    }

    func writeMain(in work: URL, source: ModuleSource, version: String?, placeholders: [TerraformVariable]) throws(TerraformError) {
        var text = "module \"\(Self.target)\" {\n  source = \(hclString(source.value))\n"
        if let version { text += "  version = \(hclString(version))\n" }
        for variable in placeholders {
            text += "  \(variable.name) = \(Self.placeholder(forTypeText: variable.typeText))\n"
        }
        text += "}\n"
        do {
            try Data(text.utf8).write(to: work.appendingPathComponent("main.tf"))
        } catch {
            throw TerraformError("cannot write main.tf: \(error.localizedDescription)", file: work.path)
        }
    }

    /// Upstream's placeholder for a required variable, picked from its type text.
    static func placeholder(forTypeText text: String) -> String {
        let t = text.trimmingSpaces
        if t == "number" { return "0" }
        if t == "bool" { return "false" }
        if t.hasPrefix("list(") || t.hasPrefix("set(") || t.hasPrefix("tuple(") { return "[]" }
        if t.hasPrefix("map(") || t.hasPrefix("object(") { return "{}" }
        return "\"\""
    }

    func hclString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return (out + "\"").replacingOccurrences(of: "${", with: "$${").replacingOccurrences(of: "%{", with: "%%{")
    }

    /// `.terraform/modules/modules.json`: the entry keyed `kratix_target` names the directory.
    func directoryFromManifest(in work: URL) throws(TerraformError) -> URL {
        let manifest = work.appendingPathComponent(".terraform/modules/modules.json")
        guard let data = try? Data(contentsOf: manifest) else {
            throw TerraformError("terraform init did not write a module manifest", file: manifest.path)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(data))
        } catch {
            throw TerraformError("cannot parse the module manifest: \(error)", file: manifest.path)
        }
        for entry in value["Modules"]?.arrayValue ?? [] {
            var key = entry["Key"]?.stringValue ?? ""
            if key.hasPrefix("module.") { key.removeFirst("module.".count) }
            guard key == Self.target, let dir = entry["Dir"]?.stringValue else { continue }
            return dir.hasPrefix("/") ? URL(fileURLWithPath: dir) : work.appendingPathComponent(dir)
        }
        throw TerraformError("module \(Self.target) not found in the module manifest", file: manifest.path)
    }
}
