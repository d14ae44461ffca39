import KratixTerraform
import KubeModel

/// The files `init operator-promise` and `init crossplane-promise` write (upstream's
/// `getFilesToWrite`): every one marshalled (R2), the README as a YAML string (R3).
public struct PromiseFiles: Sendable {
    public var options: InitOptions
    public var subCommand: String
    public var extraFlags: String
    public var crd: JSONValue
    public var dependencies: [JSONValue]
    public var destinationSelectors: [JSONValue]
    public var resourceConfigure: [JSONValue]
    public var exampleResource: JSONValue

    /// The files, relative to `--dir`: `promise.yaml`, or with `--split` the CRD, dependencies and
    /// the resource configure workflow apart.
    public func files() -> [GeneratedFile] {
        let group = crd[path: ["spec", "group"]]?.stringValue ?? options.group
        let kind = crd[path: ["spec", "names", "kind"]]?.stringValue ?? options.kind
        let readme = PromiseReadme(subCommand: subCommand, name: options.name, extraFlags: extraFlags, group: group, kind: kind)
        var files = [
            GeneratedFile(path: "example-resource.yaml", contents: GoYAML.marshal(exampleResource)),
            GeneratedFile(path: "README.md", contents: GoYAML.marshal(string: readme.text)),
        ]
        if options.split {
            // A nil slice marshals as `null`, as upstream's dependencies.yaml does when there are none.
            files.append(GeneratedFile(path: "dependencies.yaml", contents: GoYAML.marshal(dependencies.isEmpty ? .null : .array(dependencies))))
            files.append(GeneratedFile(path: "api.yaml", contents: GoYAML.marshal(crd)))
            files.append(GeneratedFile(path: "workflows/resource/configure/workflow.yaml", contents: GoYAML.marshal(.array(resourceConfigure))))
        } else {
            files.append(GeneratedFile(path: "promise.yaml", contents: GoYAML.marshal(promise())))
        }
        return files
    }

    /// The Promise as upstream's `generatePromise` builds and marshals it.
    public func promise() -> JSONValue {
        var spec: JSONObject = ["api": crd]
        if !dependencies.isEmpty { spec["dependencies"] = .array(dependencies) }
        if !destinationSelectors.isEmpty { spec["destinationSelectors"] = .array(destinationSelectors) }
        spec["workflows"] = ["resource": ["configure": .array(resourceConfigure)]]
        return GoTypedShape.promise([
            "apiVersion": "platform.kratix.io/v1alpha1",
            "kind": "Promise",
            "metadata": ["labels": ["kratix.io/promise-version": "v0.0.1"], "name": .string(options.name)],
            "spec": .object(spec),
        ])
    }

    /// The one resource configure Pipeline of a generated Promise: `instance-configure` with one container.
    public static func instanceConfigure(container: String, image: String, env: [(String, String)]) -> JSONValue {
        [
            "apiVersion": "platform.kratix.io/v1alpha1",
            "kind": "Pipeline",
            "metadata": ["name": "instance-configure"],
            "spec": [
                "containers": [
                    [
                        "env": .array(env.map { ["name": .string($0.0), "value": .string($0.1)] }),
                        "image": .string(image),
                        "name": .string(container),
                    ]
                ]
            ],
        ]
    }

    /// `spec` of an example resource: each required top-level field as `"# type <type>"`, or `null`.
    public static func requiredFieldsExample(_ crd: JSONValue) -> JSONValue {
        let spec = crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec"]]
        guard let required = spec?["required"]?.arrayValue, !required.isEmpty else { return .null }
        var out: JSONObject = [:]
        for field in required.compactMap(\.stringValue) {
            let type = spec?[path: ["properties", field, "type"]]?.stringValue ?? ""
            out[field] = .string("# type \(type)")
        }
        return .object(out)
    }
}
