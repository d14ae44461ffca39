import KratixAPI
import KubeModel

/// Builds the files of a Promise generated from a Terraform module, laid out as upstream lays
/// them out so existing docs and `kratix build promise` keep working.
public enum PromiseGenerator {
    /// The generator image the upstream CLI pins; its `.tf.json` output is what
    /// ``ModuleCallGenerator`` reproduces.
    public static let terraformGenerateImage = "ghcr.io/syntasso/kratix-cli/terraform-generate:v0.6.0"
    /// A placeholder the user builds and pushes from the generated dependencies directory.
    public static let dependenciesImage = "my-registry.io/my-org/kratix/terraform-dependencies:v0.0.1"
    static let dependenciesContainer = "add-tf-dependencies"
    public static let dependenciesDirectory = "workflows/promise/configure/dependencies/add-tf-dependencies"

    public static func customResourceDefinition(
        group: String, kind: String, plural: String, version: String, schema: CRDSpecSchema
    ) -> JSONValue {
        [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(group)")],
            "spec": [
                "group": .string(group),
                "names": ["kind": .string(kind), "plural": .string(plural), "singular": .string(kind.lowercased())],
                "scope": "Namespaced",
                "versions": [
                    [
                        "name": .string(version),
                        "schema": ["openAPIV3Schema": schema.openAPIV3Schema],
                        "served": true,
                        "storage": true,
                    ]
                ],
            ],
        ]
    }

    static func pipeline(_ name: String, containers: [JSONValue], extra: JSONObject = [:]) -> JSONValue {
        var spec: JSONObject = ["containers": .array(containers)]
        for (k, v) in extra { spec[k] = v }
        return [
            "apiVersion": .string(KratixGroup.apiVersion),
            "kind": "Pipeline",
            "metadata": ["name": .string(name)],
            "spec": .object(spec),
        ]
    }

    /// `instance-configure`: the terraform-generate container with its env in upstream's order.
    public static func resourceConfigurePipeline(_ options: TFModulePromiseOptions) -> JSONValue {
        var env: [JSONValue] = [["name": "MODULE_SOURCE", "value": .string(options.moduleSource)]]
        if let version = options.moduleRegistryVersion {
            env.append(["name": "MODULE_REGISTRY_VERSION", "value": .string(version)])
        }
        if !options.outputNames.isEmpty {
            env.append(["name": "MODULE_OUTPUT_NAMES", "value": .string(options.outputNames.joined(separator: ","))])
        }
        let container: JSONValue = ["env": .array(env), "image": .string(terraformGenerateImage), "name": "terraform-generate"]
        return pipeline("instance-configure", containers: [container])
    }

    /// `dependencies`: copies the module's provider files to every Destination once per Promise.
    ///
    /// Upstream's template only carries this pipeline when it found two or more provider files;
    /// otherwise its `add container` step appends it afterwards without `jobOptions`/`rbac`. The
    /// fixtures show both shapes, so both are reproduced.
    /// Split Promises always get the appended shape: upstream's split templates carry no promise
    /// workflow, so `add container` writes it.
    public static func promiseConfigurePipeline(_ options: TFModulePromiseOptions, appended: Bool = false) -> JSONValue {
        let container: JSONValue = ["image": .string(dependenciesImage), "name": .string(dependenciesContainer)]
        let extra: JSONObject = options.providerFiles.count >= 2 && !appended ? ["jobOptions": .object([:]), "rbac": .object([:])] : [:]
        return pipeline("dependencies", containers: [container], extra: extra)
    }

    public static func promise(_ options: TFModulePromiseOptions, schema: CRDSpecSchema) -> JSONValue {
        [
            "apiVersion": .string(KratixGroup.apiVersion),
            "kind": "Promise",
            "metadata": ["labels": ["kratix.io/promise-version": "v0.0.1"], "name": .string(options.name)],
            "spec": [
                "api": customResourceDefinition(
                    group: options.group, kind: options.kind, plural: options.plural, version: options.version, schema: schema),
                "destinationSelectors": [["matchLabels": ["environment": "terraform"]]],
                "workflows": [
                    "config": .object([:]),
                    "promise": ["configure": [promiseConfigurePipeline(options)]],
                    "resource": ["configure": [resourceConfigurePipeline(options)]],
                ],
            ],
            "status": ["workflows": 0, "workflowsFailed": 0, "workflowsSucceeded": 0],
        ]
    }

    public static func exampleResource(_ options: TFModulePromiseOptions) -> JSONValue {
        [
            "apiVersion": .string("\(options.group)/\(options.version)"),
            "kind": .string(options.kind),
            "metadata": ["name": .string("example-\(options.name)")],
        ]
    }

    /// Every file of the Promise directory, paths relative to `--dir`.
    public static func files(_ options: TFModulePromiseOptions, schema: CRDSpecSchema) -> [GeneratedFile] {
        let yaml = YAMLWriter.goYAML
        var files: [GeneratedFile] = []
        if options.split {
            let crd = customResourceDefinition(
                group: options.group, kind: options.kind, plural: options.plural, version: options.version, schema: schema)
            _ = crd
            files.append(GeneratedFile(path: "api.yaml", contents: splitAPI(options, schema: schema)))
            files.append(GeneratedFile(path: "dependencies.yaml", contents: ""))
            files.append(GeneratedFile(
                // Upstream's template writes the pipelines with their last newline trimmed.
                path: "workflows/resource/configure/workflow.yaml",
                contents: String(yaml.write([resourceConfigurePipeline(options)]).dropLast())))
            files.append(GeneratedFile(
                path: "workflows/promise/configure/workflow.yaml", contents: yaml.write([promiseConfigurePipeline(options, appended: true)])))
        } else {
            files.append(GeneratedFile(path: "promise.yaml", contents: yaml.write(promise(options, schema: schema))))
        }
        files.append(GeneratedFile(path: "example-resource.yaml", contents: yaml.write(exampleResource(options))))
        files.append(GeneratedFile(path: "README.md", contents: readme(options)))
        files.append(GeneratedFile(path: "\(dependenciesDirectory)/Dockerfile", contents: dockerfile))
        files.append(GeneratedFile(path: "\(dependenciesDirectory)/scripts/pipeline.sh", contents: pipelineScript, executable: true))
        for provider in options.providerFiles {
            files.append(GeneratedFile(path: "\(dependenciesDirectory)/resources/\(provider.name)", contents: provider.contents))
        }
        return files
    }

    /// Upstream's bash container template, byte for byte (`expected-output/promise-workflow/Dockerfile`).
    static let dockerfile = """
        FROM "alpine"

        RUN apk update && apk add --no-cache yq

        ADD scripts/pipeline.sh /usr/bin/pipeline.sh
        ADD resources resources

        RUN chmod +x /usr/bin/pipeline.sh

        CMD [ "sh", "-c", "pipeline.sh" ]
        ENTRYPOINT []

        """

    /// Upstream writes this without a trailing newline.
    static let pipelineScript = "#!/usr/bin/env sh\n\ncp /resources/* /kratix/output"

    /// `api.yaml` as upstream's `api.yaml.tpl` renders it (rule R1): the template's own layout,
    /// with the marshalled `spec` schema indented into it.
    static func splitAPI(_ options: TFModulePromiseOptions, schema: CRDSpecSchema) -> String {
        let spec = schema.openAPIV3Schema[path: ["properties", "spec"]] ?? .object([:])
        return CRDTemplate.render(group: options.group, kind: options.kind, plural: options.plural, singular: options.kind.lowercased(),
                                  version: options.version, specSchemaYAML: YAMLWriter.goYAML.write(spec)) + "\n"
    }

    /// The README upstream's tf goldens carry (`expected-output*/README.md`): the command line in a
    /// plain fence and the generic usage notes.
    static func readme(_ options: TFModulePromiseOptions) -> String {
        readme(commandLine: options.commandLine, kind: options.kind)
    }

    /// kratix-cli's older README template, which its tf and pulumi goldens carry; `section` (pulumi's
    /// notes) goes between the workflow and the dependency parts.
    public static func readme(commandLine: String, kind: String, section: String = "") -> String {
        """
        # Promise Template

        This Promise was generated with:

        ```
        \(commandLine)
        ```

        ## Updating API properties

        To update the Promise API, you can use the `kratix update api` command:

        ```
        kratix update api --property name:string --property region- --kind \(kind)
        ```

        ## Updating Workflows

        To add workflow containers, you can use the `kratix add container` command:

        ```
        kratix add container resource/configure/pipeline0 --image syntasso/postgres-resource:v1.0.0
        ```

        \(section)## Updating Dependencies

        TBD

        """
    }
}
