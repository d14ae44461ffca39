import KubeModel

extension Destination {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("Where a Destination's documents are written.", required: ["path"], [
            ("cleanup", .string(
                "What happens to placed documents when the Destination is deleted: none keeps them, all removes them.",
                enum: ["none", "all"], default: "none")),
            ("filepath", OpenAPISchema.object("How documents are laid out in the state store.", [
                ("filename", .string("The file name for aggregatedYAML mode; aggregated.yaml when empty.")),
                ("mode", OpenAPISchema.string(
                    "nestedByMetadata (default), aggregatedYAML or none. Cannot be changed after creation.",
                    enum: ["nestedByMetadata", "aggregatedYAML", "none"]).with {
                        $0.validations = [(rule: "self == oldSelf", message: "filepath.mode is immutable")]
                    }),
            ]).defaulting(to: ["mode": "nestedByMetadata"])),
            ("initWorkloads", OpenAPISchema.object("Whether Kratix writes its canary files on creation.", [
                ("enabled", .boolean("Write the canary files (default true).", default: true)),
            ]).defaulting(to: [:])),
            ("path", .string("Path inside the state store's path; . or / for its root.")),
            ("stateStoreRef", .object("The state store documents are written to.", required: ["kind", "name"], [
                ("kind", .string("GitStateStore or BucketStateStore.", enum: ["BucketStateStore", "GitStateStore"])),
                ("name", .string("Name of the state store.")),
            ])),
            ("strictMatchLabels", .boolean("Receive only documents whose selectors match this Destination's labels (not unselected ones).")),
        ])
        let status = OpenAPISchema.object("The observed state of the Destination.", [
            ("conditions", .conditions("Current conditions; Ready says whether the state store can be written.")),
        ])
        var b = KratixCRDs.builder(
            Destination.self, properties: [("spec", spec), ("status", status)],
            description: "A Destination: a place documents are scheduled to, reached through a state store.")
        b.shortNames = ["dest", "dests"]
        b.printerColumns = [
            .init("StateStoreKind", jsonPath: ".spec.stateStoreRef.kind", description: "State store kind."),
            .init("StateStoreName", jsonPath: ".spec.stateStoreRef.name", description: "State store name."),
            KratixCRDs.readyStatusColumn,
        ]
        return b
    }
}
