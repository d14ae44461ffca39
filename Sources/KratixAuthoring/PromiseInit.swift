import KratixTerraform

/// `kratix init promise NAME` (§5.2): the template files of upstream's `templates/promise/`,
/// rendered as text (R1), not marshalled.
public enum PromiseInit {
    /// The files, relative to `--dir`.
    public static func files(_ options: InitOptions) -> [GeneratedFile] {
        let version = options.version.flatMap { $0.isEmpty ? nil : $0 } ?? "v1alpha1"
        // `yaml.Marshal(JSONSchemaProps{Type: object, Default: {}, Properties: {}})`: empty
        // properties are `omitempty`, so they are not written.
        let schema = GoYAML.marshal(GoTypedShape.schema(["default": .object([:]), "properties": .object([:]), "type": "object"]))
        let plural = options.resolvedPlural
        var files: [GeneratedFile] = []
        let example = """
            apiVersion: \(options.group)/\(version)
            kind: \(options.kind)
            metadata:
              name: example-\(options.name)

            """
        files.append(GeneratedFile(path: "example-resource.yaml", contents: example))
        let readme = PromiseReadme(subCommand: "promise", name: options.name, extraFlags: "", group: options.group, kind: options.kind)
        files.append(GeneratedFile(path: "README.md", contents: readme.text))
        // The API's CRD as upstream's template writes it, at column 0: `api.yaml` as it is, and
        // under `spec.api` of `promise.yaml` indented by four.
        let crd = CRDTemplate.render(group: options.group, kind: options.kind, plural: plural, singular: options.singular,
                                     version: version, specSchemaYAML: schema)
        if options.split {
            files.append(GeneratedFile(path: "api.yaml", contents: crd + "\n"))
            files.append(GeneratedFile(path: "dependencies.yaml", contents: ""))
        } else {
            let promise = """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata:
                  name: \(options.name)
                  labels:
                    kratix.io/promise-version: v0.0.1
                spec:
                  api:
                \(GoYAML.indent(4, crd))
                  workflows:
                    promise:
                      configure:
                \(GoYAML.indent(8, "[]"))
                    resource:
                      configure:
                \(GoYAML.indent(8, "[]"))

                """
            files.append(GeneratedFile(path: "promise.yaml", contents: promise))
        }
        return files
    }

    /// What upstream prints once the files are written.
    public static func summary(_ options: InitOptions) -> String {
        let place = options.dir == "." ? "current" : options.dir
        return "\(options.name) promise bootstrapped in the \(place) directory"
    }
}
