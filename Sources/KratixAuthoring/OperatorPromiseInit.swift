import KratixTerraform
import KubeModel

/// `kratix init operator-promise NAME` (§5.4): a Promise that installs an operator (its manifests
/// inlined as dependencies) and whose API is one of the operator's CRDs, renamed for the Promise.
public enum OperatorPromiseInit {
    public static let containerName = "from-api-to-operator"
    public static let image = "ghcr.io/syntasso/kratix-cli/from-api-to-operator:v0.2.2"

    public struct Request: Sendable {
        public var options: InitOptions
        public var operatorManifests: String
        public var apiSchemaFrom: String

        public init(options: InitOptions, operatorManifests: String, apiSchemaFrom: String) {
            self.options = options
            self.operatorManifests = operatorManifests
            self.apiSchemaFrom = apiSchemaFrom
        }
    }

    /// What upstream prints once the files are written.
    public static func summary(_ request: Request) -> [String] {
        [
            "Promise generated successfully.",
            "The Operator documents were added as inline dependencies in the Promise Spec.",
            "You can move them to a workflow by running:",
            "\tkratix update dependencies \(request.operatorManifests) --image yourorg/your-image:tag",
        ]
    }

    public static func files(_ request: Request) throws(AuthoringError) -> [GeneratedFile] {
        let options = request.options
        let dependencies = try DependencyReader.documents(at: request.operatorManifests)
        guard let found = dependencies.first(where: {
            $0["kind"]?.stringValue == "CustomResourceDefinition" && $0[path: ["metadata", "name"]]?.stringValue == request.apiSchemaFrom
        }) else {
            throw AuthoringError("no CRD found matching name: \(request.apiSchemaFrom)")
        }
        let original = GoTypedShape.crd(found)
        guard let versions = original[path: ["spec", "versions"]]?.arrayValue, !versions.isEmpty else {
            throw AuthoringError("no versions found in CRD")
        }
        let storedIndex = versions.firstIndex { $0["storage"]?.boolValue == true } ?? 0
        let operatorGroup = original[path: ["spec", "group"]]?.stringValue ?? ""
        let operatorVersion = versions[storedIndex]["name"]?.stringValue ?? ""
        let operatorKind = original[path: ["spec", "names", "kind"]]?.stringValue ?? ""
        let crd = try rewrite(original, storedIndex: storedIndex, options: options)
        let pipeline = PromiseFiles.instanceConfigure(container: containerName, image: image, env: [
            ("OPERATOR_GROUP", operatorGroup), ("OPERATOR_VERSION", operatorVersion), ("OPERATOR_KIND", operatorKind),
        ])
        let group = crd[path: ["spec", "group"]]?.stringValue ?? ""
        let version = crd[path: ["spec", "versions"]]?.arrayValue?.first?["name"]?.stringValue ?? ""
        let example: JSONValue = [
            "apiVersion": .string("\(group)/\(version)"),
            "kind": .string(options.kind),
            "metadata": ["name": "example-database", "namespace": "default"],
            "spec": PromiseFiles.requiredFieldsExample(crd),
        ]
        return PromiseFiles(
            options: options, subCommand: "operator-promise",
            extraFlags: "--operator-manifests \(request.operatorManifests) --api-schema-from \(request.apiSchemaFrom)", crd: crd,
            dependencies: dependencies, destinationSelectors: [], resourceConfigure: [pipeline], exampleResource: example
        ).files()
    }

    /// upstream's `updateOperatorCrd`: the Promise's names and group, the stored version alone
    /// (renamed to `--version` if given, served and stored), and `kind`/`apiVersion` pinned by enum.
    static func rewrite(_ original: JSONValue, storedIndex: Int, options: InitOptions) throws(AuthoringError) -> JSONValue {
        var crd = original
        let plural = options.resolvedPlural
        crd[path: ["spec", "names"]] = ["kind": .string(options.kind), "plural": .string(plural), "singular": .string(options.singular)]
        crd[path: ["metadata", "name"]] = .string("\(plural).\(options.group)")
        crd[path: ["spec", "group"]] = .string(options.group)
        var stored = crd[path: ["spec", "versions"]]?.arrayValue?[storedIndex] ?? [:]
        let version = options.version.flatMap { $0.isEmpty ? nil : $0 } ?? stored["name"]?.stringValue ?? ""
        stored["name"] = .string(version)
        stored["storage"] = true
        stored["served"] = true
        guard stored[path: ["schema", "openAPIV3Schema"]]?.objectValue != nil else {
            throw AuthoringError("CRD \(original[path: ["metadata", "name"]]?.stringValue ?? "") version \(version) has no openAPIV3Schema")
        }
        var properties = stored[path: ["schema", "openAPIV3Schema", "properties"]]?.objectValue ?? [:]
        properties["kind"] = ["enum": [.string(options.kind)], "type": "string"]
        properties["apiVersion"] = ["enum": [.string("\(options.group)/\(version)")], "type": "string"]
        stored[path: ["schema", "openAPIV3Schema", "properties"]] = .object(properties)
        crd[path: ["spec", "versions"]] = [stored]
        return crd
    }
}
