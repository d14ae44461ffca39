import KubeModel

extension Promise {
    public static var crd: CustomResourceDefinitionBuilder {
        let mirrored: [(String, OpenAPISchema)] = [
            ("apiVersion", .string("The group/version of the Promise's API, lower case.")),
            ("kind", .string("The kind of the Promise's API.")),
            ("lastAvailableTime", .string("When the Promise last became Available.", format: "date-time")),
            ("status", .string("Available or Unavailable.")),
            ("version", .string("The Promise's version (its kratix.io/promise-version label).")),
        ]
        let status = OpenAPISchema.object(
            "The observed state of the Promise.", required: ["workflows", "workflowsFailed", "workflowsSucceeded"],
            [
                ("conditions", .conditions("Current conditions: Available, RequirementsFulfilled, ConfigureWorkflowCompleted, WorksSucceeded, Reconciled.")),
                ("kratix", .object("State that Kratix manages.", mirrored + [
                    ("workflows", OpenAPISchema.freeForm("Progress of the Promise's workflows.")),
                ])),
                ("message", .string("A message from the Promise's configure workflow.")),
                ("observedGeneration", .int64("The generation whose changes were last passed on to resources.")),
                ("requiredBy", .array("Promises that require this one.", of: .object("A dependent Promise.", [
                    ("promise", .object("The dependent Promise.", [
                        ("name", .string("Name of the Promise.")),
                        ("version", .string("Version of the Promise.")),
                    ])),
                    ("requiredVersion", .string("The version it requires.")),
                ]))),
                ("requiredPromises", .array("The state of each required Promise.", of: .object("A required Promise's state.", [
                    ("name", .string("Name of the required Promise.")),
                    ("state", .string("Whether the requirement is installed and available.")),
                    ("version", .string("The version required.")),
                ]))),
                ("workflows", .int64("The number of promise configure pipelines.")),
                ("workflowsFailed", .int64("1 when the configure workflow failed, else 0.")),
                ("workflowsSucceeded", .int64("The number of configure pipelines that completed.")),
            ] + mirrored)
        var b = KratixCRDs.builder(
            Promise.self, properties: [("spec", KratixCRDs.promiseSpec), ("status", status)],
            description: "A Promise: an API offered by a platform team, with the workflows that fulfil it.")
        b.printerColumns = [
            .init("Status", jsonPath: ".status.status"),
            .init("Kind", jsonPath: ".status.kind"),
            .init("API Version", jsonPath: ".status.apiVersion"),
            .init("Version", jsonPath: ".status.version"),
            .init("Message", jsonPath: ".status.message"),
        ]
        return b
    }
}
