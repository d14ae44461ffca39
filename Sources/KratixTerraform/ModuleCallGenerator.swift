import KubeModel

/// The `terraform-generate` pipeline stage: one resource request in, one Terraform module call
/// out, either in the `.tf.json` format of upstream's `terraform-generate:v0.6.0` image (the one
/// the upstream CLI pins and generated Promises reference) or in the canonical HCL `.tf` of
/// `v0.7.0`.
public enum ModuleCallGenerator {
    /// The file format: `json` is v0.6.0's `<name>.tf.json`, `hcl` is v0.7.0's `<name>.tf`.
    public enum Format: String, Sendable, CaseIterable {
        case hcl, json
    }

    /// `<kind>_<namespace>_<name>` in lower case: unique per request on a Destination, which is what
    /// makes `filepath.mode: none` Destinations safe.
    public static func moduleName(for object: JSONValue, file: String? = nil) throws(TerraformError) -> String {
        func required(_ path: [String]) throws(TerraformError) -> String {
            guard let value = object[path: path]?.stringValue, !value.isEmpty else {
                throw TerraformError("required to be a non-empty string", file: file, field: path.joined(separator: "."))
            }
            return value
        }
        let kind = try required(["kind"])
        let namespace = try required(["metadata", "namespace"])
        let name = try required(["metadata", "name"])
        return "\(kind)_\(namespace)_\(name)".lowercased()
    }

    /// `MODULE_OUTPUT_NAMES`: comma-separated, items trimmed, empty items dropped.
    public static func outputNames(from list: String?) -> [String] {
        (list ?? "").split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingSpaces }
            .filter { !$0.isEmpty }
    }

    /// The module call for `object`, named `<module-name>.tf.json`.
    ///
    /// Every top-level `spec` key becomes a module argument except nulls and empty lists; values
    /// keep their JSON types. Keys are sorted (so `source`/`version` sit among the arguments), the
    /// JSON is two-space indented with Go's HTML escaping and has no trailing newline.
    public static func generate(
        object: JSONValue, moduleSource: String?, registryVersion: String? = nil, outputNames: [String] = [],
        file: String? = nil, format: Format = .json
    ) throws(TerraformError) -> GeneratedFile {
        guard let moduleSource, !moduleSource.isEmpty else {
            throw TerraformError("MODULE_SOURCE must be set to the module's source", field: "MODULE_SOURCE")
        }
        let registryVersion = (registryVersion?.isEmpty ?? true) ? nil : registryVersion
        if let registryVersion, !ModuleSource(moduleSource).isRegistry {
            // Upstream's wording, which its stage test looks for.
            throw TerraformError(
                "MODULE_REGISTRY_VERSION is only valid for Terraform registry sources (e.g., \"namespace/name/provider\"). For git or local sources, embed the version ref directly in MODULE_SOURCE (e.g., \"git::https://github.com/org/repo.git?ref=v1.2.3\"). Provided module_source=\(HCLWriter.quoted(moduleSource))",
                field: "MODULE_REGISTRY_VERSION")
        }
        let name = try moduleName(for: object, file: file)
        var arguments = JSONObject()
        if let spec = object["spec"] {
            guard case .object(let members) = spec else {
                if spec.isNull { return try finish(name, arguments, moduleSource, registryVersion, outputNames, format) }
                throw TerraformError("expected an object, found \(spec.typeName)", file: file, field: "spec")
            }
            for (key, value) in members {
                if value.isNull { continue }
                if case .array(let a) = value, a.isEmpty { continue }
                arguments[key] = value
            }
        }
        return try finish(name, arguments, moduleSource, registryVersion, outputNames, format)
    }

    static func finish(
        _ name: String, _ arguments: JSONObject, _ source: String, _ version: String?, _ outputNames: [String], _ format: Format
    ) throws(TerraformError) -> GeneratedFile {
        if format == .hcl { return try hcl(name, arguments, source, version, outputNames) }
        var module = arguments
        module["source"] = .string(source)
        if let version { module["version"] = .string(version) }
        var root: JSONObject = ["module": .object([name: .object(module)])]
        if !outputNames.isEmpty {
            var outputs = JSONObject()
            for output in outputNames {
                outputs["\(name)_\(output)"] = ["value": .string("${module.\(name).\(output)}")]
            }
            root["output"] = .object(outputs)
        }
        let text = JSONValue.object(root).serialized(JSONSerializationOptions(sortedKeys: true, escapeHTML: true, pretty: true))
        return GeneratedFile(path: "\(name).tf.json", contents: text)
    }

    /// v0.7.0: `module "<name>" {` with `source`, `version`, a blank line and the arguments sorted
    /// by key; then one `output` block per name, each after a blank line. Ends with a newline.
    static func hcl(
        _ name: String, _ arguments: JSONObject, _ source: String, _ version: String?, _ outputNames: [String]
    ) throws(TerraformError) -> GeneratedFile {
        var writer = HCLWriter()
        do {
            try writer.block("module", label: name) { body throws(HCLWriter.Unsupported) in
                try body.attribute("source", .string(source))
                if let version { try body.attribute("version", .string(version)) }
                if !arguments.isEmpty {
                    body.blankLine()
                    for key in arguments.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                        try body.attribute(key, arguments[key]!)
                    }
                }
            }
            for output in outputNames {
                writer.blankLine()
                try writer.block("output", label: "\(name)_\(output)") { body throws(HCLWriter.Unsupported) in
                    body.attribute("value", traversal: ["module", name, output])
                }
            }
        } catch {
            throw TerraformError("unsupported value type \(error.typeName)", field: "spec")
        }
        return GeneratedFile(path: "\(name).tf", contents: writer.formatted())
    }
}
