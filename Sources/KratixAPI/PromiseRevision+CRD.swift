import KubeModel

extension PromiseRevision {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("The Promise this revision snapshots.", required: ["promiseRef", "promiseSpec", "version"], [
            ("promiseRef", KratixCRDs.promiseReference),
            ("promiseSpec", KratixCRDs.promiseSpec.with { $0.description = "The Promise's spec at this version." }),
            ("version", .string("The Promise version of this revision.")),
        ])
        let status = OpenAPISchema.object("The observed state of the revision.", [
            ("conditions", OpenAPISchema.conditions().with {
                $0.listType = "map"
                $0.listMapKeys = ["type"]
            }),
            ("latest", .boolean("Whether this is the Promise's latest revision.")),
        ])
        var b = KratixCRDs.builder(
            PromiseRevision.self, properties: [("spec", spec), ("status", status)],
            description: "A PromiseRevision is a snapshot of a Promise's spec at one version.")
        b.required = ["spec"]
        b.printerColumns = [
            .init("Promise", jsonPath: ".spec.promiseRef.name", description: "The Promise this revision is of."),
            .init("Version", jsonPath: ".spec.version", description: "The Promise version."),
            .init("Latest", type: "boolean", jsonPath: ".status.latest", description: "Whether this is the latest revision."),
        ]
        return b
    }
}

extension ResourceBinding {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("Which Promise version a resource request follows.", required: ["promiseRef", "resourceRef", "version"], [
            ("promiseRef", KratixCRDs.promiseReference),
            ("resourceRef", .object("The resource request.", required: ["name", "namespace"], [
                ("generation", .int64("The resource's generation when recorded.")),
                ("name", .string("Name of the resource request.")),
                ("namespace", .string("Namespace of the resource request.")),
            ])),
            ("version", .string("latest, or the Promise version to reconcile the resource with.")),
        ])
        let status = OpenAPISchema.object("The observed state of the binding.", [
            ("conditions", OpenAPISchema.conditions().with {
                $0.listType = "map"
                $0.listMapKeys = ["type"]
            }),
            ("failedVersion", .string("The version whose upgrade last failed.")),
            ("lastAppliedVersion", .string("The version the resource was last reconciled with.")),
        ])
        var b = KratixCRDs.builder(
            ResourceBinding.self, properties: [("spec", spec), ("status", status)],
            description: "A ResourceBinding ties a resource request to a Promise version.")
        b.required = ["spec"]
        // Upstream also declares `selectableFields: [.spec.version]`; that field only exists from
        // Kubernetes 1.30 and would make the CRD fail on older servers, so it is left out.
        b.printerColumns = [
            .init("Resource", jsonPath: ".spec.resourceRef.name", description: "The resource request."),
            .init("Promise", jsonPath: ".spec.promiseRef.name", description: "The Promise."),
            .init("Desired", jsonPath: ".spec.version", description: "The version the resource should follow."),
            .init("Applied", jsonPath: ".status.lastAppliedVersion", description: "The version last applied."),
        ]
        return b
    }
}

extension DryRun {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("What to preview.", required: ["promiseRef", "resource", "resourceRequestRef"], [
            ("promiseRef", KratixCRDs.promiseReference),
            ("resource", OpenAPISchema.freeForm("The proposed spec, in the shape of the Promise's API.")),
            ("resourceRequestRef", .object("The live resource request to compare with.", required: ["name"], [
                ("name", .string("Name of the resource request.")),
                ("namespace", .string("Namespace of the resource request; the DryRun's own when empty.")),
            ])),
        ])
        let status = OpenAPISchema.object("The observed state of the dry run.", [
            ("components", .array("The component DryRuns of a compound request's preview.", of: .object(
                "One component request and the DryRun previewing it.", required: ["dryRun", "phase", "promise", "request"], [
                    ("dryRun", .string("The component's DryRun.")),
                    ("message", .string("Why the component's preview failed.")),
                    ("namespace", .string("The component request's namespace.")),
                    ("phase", .string("Pending, Succeeded or Failed.")),
                    ("promise", .string("The Promise serving the component request.")),
                    ("request", .string("The component request's name.")),
                ]))),
            ("conditions", .conditions("Current conditions; Completed is True once the summary is written; ComponentsSucceeded for compound requests.")),
        ])
        return KratixCRDs.builder(
            DryRun.self, properties: [("spec", spec), ("status", status)],
            description: "A DryRun previews what a Promise's resource workflow would produce.")
    }
}
