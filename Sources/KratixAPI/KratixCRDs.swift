import KubeModel

/// The CustomResourceDefinitions of the Kratix API, generated from Swift: `kratix manifests crds`
/// writes them to `manifests/crds/`, and a test keeps the checked-in files equal to this output.
public enum KratixCRDs {
    public static var all: [CustomResourceDefinitionBuilder] {
        [
            Promise.crd, Work.crd, WorkPlacement.crd, Destination.crd, GitStateStore.crd, BucketStateStore.crd,
            PromiseRelease.crd, HealthRecord.crd, PromiseRevision.crd, ResourceBinding.crd, DryRun.crd,
        ]
    }

    /// The file name a CRD is written to, as upstream names it: `platform.kratix.io_promises.yaml`.
    public static func fileName(_ crd: CustomResourceDefinitionBuilder) -> String {
        "\(crd.group)_\(crd.plural).yaml"
    }

    /// The YAML text of a CRD file.
    public static func yaml(_ crd: CustomResourceDefinitionBuilder) -> String {
        "---\n" + YAMLWriter(sortedKeys: true).write(crd.json)
    }

    static func builder<T: KratixResource>(
        _ type: T.Type, properties: [(String, OpenAPISchema)], description: String
    ) -> CustomResourceDefinitionBuilder {
        var b = CustomResourceDefinitionBuilder(
            group: KratixGroup.group, version: KratixGroup.version, kind: T.apiKind, plural: T.plural,
            scope: T.namespaced ? .namespaced : .cluster, properties: properties)
        b.categories = [KratixGroup.category]
        b.description = description
        return b
    }

    static let readyStatusColumn = CustomResourceDefinitionBuilder.PrinterColumn(
        "Ready", jsonPath: #".status.conditions[?(@.type=="Ready")].status"#, description: "Whether the object is ready to use.")

    static func readyMessageColumn(_ name: String, _ description: String) -> CustomResourceDefinitionBuilder.PrinterColumn {
        .init(name, jsonPath: #".status.conditions[?(@.type=="Ready")].message"#, description: description)
    }

    static let workload = OpenAPISchema.object("One file to write to a Destination's state store.", [
        ("content", .string("The file's bytes, gzip-compressed and base64-encoded.")),
        ("filepath", .string("The path relative to the pipeline output directory.")),
    ])

    static let stateStorePath = OpenAPISchema.string(
        "Path inside the store under which Kratix writes; Destination paths are appended to it.")

    static let stateStoreStatus = OpenAPISchema.object("The observed state of the store.", [
        ("conditions", .conditions("Current conditions; Ready says whether Kratix can write to the store.")),
        ("observedGeneration", .int64("The generation last validated.")),
        ("status", .string("Ready or NotReady.")),
    ])

    static let promiseReference = OpenAPISchema.object("A Promise, by name.", required: ["name"], [
        ("name", .string("Name of the Promise.")),
    ])

    /// As upstream: the items keep unknown fields (a Pipeline's apiVersion, kind, metadata and spec);
    /// on the array alone the server would prune every member of every entry.
    static let pipelineList = OpenAPISchema.array(
        "Pipelines run in order; each entry is a platform.kratix.io/v1alpha1 Pipeline.",
        of: OpenAPISchema(type: "object").preservingUnknownFields()
    )

    static func workflowActions(_ description: String) -> OpenAPISchema {
        .object(description, [
            ("configure", pipelineList.with { $0.description = "Pipelines run when the object is created or updated, and periodically." }),
            ("delete", pipelineList.with { $0.description = "Pipelines run when the object is deleted; only the first one runs." }),
        ])
    }

    /// The spec of a Promise; PromiseRevisions embed the same schema.
    static let promiseSpec = OpenAPISchema.object("The desired state of the Promise.", [
        ("api", OpenAPISchema.freeForm("The CustomResourceDefinition that users request resources of.").with {
            $0.embeddedResource = true
        }),
        ("dependencies", OpenAPISchema.array(
            "Kubernetes objects every matching Destination needs before resources can be fulfilled.",
            of: .freeForm()).preservingUnknownFields()),
        ("destinationSelectors", .array("Labels a Destination must carry to receive this Promise's documents.", of: .object(
            "Labels to match.", [("matchLabels", .stringMap("Labels a Destination must have."))]))),
        ("requiredPromises", .array("Promises that must be installed and available before this one is.", of: .object(
            "A required Promise.", [
                ("name", .string("Name of the required Promise.")),
                ("version", .string("Version required; empty for any.")),
            ]))),
        ("workflows", .object("Workflows run over the Promise's lifecycle and its resources'.", [
            ("config", .object("Settings for all workflows of this Promise.", [
                ("pipelineNamespace", .string("An existing namespace every workflow Job of this Promise runs in.")),
                ("reconciliationInterval", .string("How often workflows re-run (a Go duration, at least 1m).")),
            ])),
            ("promise", workflowActions("Workflows of the Promise itself.")),
            ("resource", workflowActions("Workflows of each resource request.")),
        ])),
    ])
}
