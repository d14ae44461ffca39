import KubeModel

/// The `terraform-generate` pipeline stage: one resource request in, one Terraform module call
/// out, in the `.tf.json` format of upstream's `terraform-generate:v0.6.0` image (the one the
/// upstream CLI pins and generated Promises reference).
public enum ModuleCallGenerator {
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
        file: String? = nil
    ) throws(TerraformError) -> GeneratedFile {
        guard let moduleSource, !moduleSource.isEmpty else {
            throw TerraformError("MODULE_SOURCE must be set to the module's source", field: "MODULE_SOURCE")
        }
        let registryVersion = (registryVersion?.isEmpty ?? true) ? nil : registryVersion
        if let registryVersion, !ModuleSource(moduleSource).isRegistry {
            throw TerraformError(
                "version \(registryVersion) given, but \(moduleSource) is not a Terraform registry source; only registry modules take a version",
                field: "MODULE_REGISTRY_VERSION")
        }
        let name = try moduleName(for: object, file: file)
        var arguments = JSONObject()
        if let spec = object["spec"] {
            guard case .object(let members) = spec else {
                if spec.isNull { return try finish(name, arguments, moduleSource, registryVersion, outputNames) }
                throw TerraformError("expected an object, found \(spec.typeName)", file: file, field: "spec")
            }
            for (key, value) in members {
                if value.isNull { continue }
                if case .array(let a) = value, a.isEmpty { continue }
                arguments[key] = value
            }
        }
        return try finish(name, arguments, moduleSource, registryVersion, outputNames)
    }

    static func finish(
        _ name: String, _ arguments: JSONObject, _ source: String, _ version: String?, _ outputNames: [String]
    ) throws(TerraformError) -> GeneratedFile {
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
}
