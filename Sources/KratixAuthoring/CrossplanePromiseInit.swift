import KratixTerraform
import KubeModel

/// `kratix init crossplane-promise NAME` (§5.5): a Promise whose API is a Crossplane v2 XRD's
/// first served version and whose resource workflow turns each request into a claim (or XR).
public enum CrossplanePromiseInit {
    public static let containerName = "from-api-to-crossplane-claim"
    public static let image = "ghcr.io/syntasso/kratix-cli/from-api-to-crossplane-claim:v0.2.2"

    public struct Request: Sendable {
        public var options: InitOptions
        public var xrd: String
        public var compositions: String?
        public var functions: String?
        public var skipDependencies: Bool

        public init(options: InitOptions, xrd: String, compositions: String? = nil, functions: String? = nil, skipDependencies: Bool = false) {
            self.options = options
            self.xrd = xrd
            self.compositions = compositions.flatMap { $0.isEmpty ? nil : $0 }
            self.functions = functions.flatMap { $0.isEmpty ? nil : $0 }
            self.skipDependencies = skipDependencies
        }

        /// The README's flags, in upstream's order.
        var extraFlags: String {
            var flags = "--xrd \(xrd)"
            if let functions { flags += " --functions \(functions)" }
            if let compositions { flags += " --compositions \(compositions)" }
            if skipDependencies { flags += " --skip-dependencies" }
            return flags
        }
    }

    public struct Result: Sendable {
        public var files: [GeneratedFile]
        /// Lines to print before the success line: required spec fields without a default.
        public var warnings: [String]
    }

    public static let successMessage = "Crossplane Promise generated successfully."

    public static func run(_ request: Request) throws(AuthoringError) -> Result {
        let options = request.options
        let xrdText = try DependencyReader.readText(request.xrd, failure: "failed to read file")
        guard let xrd = try GoYAML.unmarshal(xrdText, file: request.xrd) else {
            throw AuthoringError("failed to unmarshal file \(request.xrd): empty document")
        }
        var dependencies: [JSONValue] = []
        if !request.skipDependencies {
            if let functions = request.functions { dependencies += try DependencyReader.plainDocuments(inFile: functions) }
            if let compositions = request.compositions { dependencies += try DependencyReader.plainDocuments(inFile: compositions) }
            dependencies.append(xrd)
        }
        guard let version = xrd[path: ["spec", "versions"]]?.arrayValue?.first(where: { $0["served"]?.boolValue == true }) else {
            throw AuthoringError("no served version found in XRD")
        }
        let versionName = version["name"]?.stringValue ?? ""
        guard let openAPI = version[path: ["schema", "openAPIV3Schema"]], !openAPI.isNull else {
            throw AuthoringError("version \(versionName) has no schema")
        }
        let crd = customResourceDefinition(options: options, versionName: versionName, openAPI: openAPI)
        let xrKind = xrd[path: ["spec", "claimNames", "kind"]]?.stringValue ?? xrd[path: ["spec", "names", "kind"]]?.stringValue ?? ""
        let pipeline = PromiseFiles.instanceConfigure(container: containerName, image: image, env: [
            ("XRD_GROUP", xrd[path: ["spec", "group"]]?.stringValue ?? ""),
            ("XRD_VERSION", versionName),
            ("XRD_KIND", xrKind),
        ])
        let example: JSONValue = [
            "apiVersion": .string("\(options.group)/\(versionName)"),
            "kind": .string(options.kind),
            "metadata": ["name": "example-request", "namespace": "default"],
            "spec": PromiseFiles.requiredFieldsExample(crd),
        ]
        let files = PromiseFiles(
            options: options, subCommand: "crossplane-promise", extraFlags: request.extraFlags, crd: crd, dependencies: dependencies,
            destinationSelectors: [["matchLabels": ["crossplane": "enabled"]]], resourceConfigure: [pipeline], exampleResource: example)
        return Result(files: files.files(), warnings: warnings(crd))
    }

    /// The CRD: the XRD version's schema (as `JSONSchemaProps`), named for `--group`/`--kind`, and
    /// a `spec` default made of the required fields' defaults when every one of them has one.
    static func customResourceDefinition(options: InitOptions, versionName: String, openAPI: JSONValue) -> JSONValue {
        var schema = GoTypedShape.schema(openAPI)
        var spec = schema[path: ["properties", "spec"]] ?? .object([:])
        if let specDefault = specDefault(spec) { spec["default"] = specDefault }
        spec = GoTypedShape.schema(spec)
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["spec"] = spec
        schema["properties"] = .object(properties)
        if schema.objectValue == nil { schema = ["properties": ["spec": spec]] }
        let plural = options.resolvedPlural
        return GoTypedShape.crd([
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(options.group)")],
            "spec": [
                "group": .string(options.group),
                "names": ["kind": .string(options.kind), "plural": .string(plural), "singular": .string(options.singular)],
                "scope": "Namespaced",
                "versions": [["name": .string(versionName), "schema": ["openAPIV3Schema": schema], "served": true, "storage": true]],
            ],
        ])
    }

    /// upstream's `buildSpecDefault`: `{field: default}` over `spec.required`, or nil when one has none.
    static func specDefault(_ spec: JSONValue) -> JSONValue? {
        var out: JSONObject = [:]
        for field in spec["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let value = spec[path: ["properties", field, "default"]] else { return nil }
            out[field] = value
        }
        return .object(out)
    }

    static func warnings(_ crd: JSONValue) -> [String] {
        let spec = crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec"]]
        return (spec?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []).compactMap { field in
            guard spec?[path: ["properties", field, "default"]] == nil else { return nil }
            return "warning: required field \"\(field)\" has no default value; a default is required for top level required fields in a CRD\nYou will need to add a default to make the Promise API valid."
        }
    }
}
