import KubeModel

extension Work {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("The documents of one workflow run and where they may go.", [
            ("lastExecutionTimestamp", .string("When the workflow run that wrote this Work happened.", format: "date-time")),
            ("promiseName", .string("The Promise that produced this Work.")),
            ("resourceName", .string("The resource request that produced this Work; empty for Promise dependencies.")),
            ("workloadGroups", .array("Documents grouped by the Destinations they may be scheduled to.", of: .object(
                "Files from one directory of the pipeline output, scheduled together.", [
                    ("destinationSelectors", .array("Labels a Destination must carry to receive this group.", of: .object(
                        "Labels from one source.", [
                            ("matchLabels", .stringMap("Labels a Destination must have.")),
                            ("source", .string("Where the labels came from: promise, promise-workflow or resource-workflow.")),
                        ]))),
                    ("directory", .string("The output directory the group came from; . for the root.")),
                    ("id", .string("The MD5 of the directory.")),
                    ("workloads", .array("The files of the group.", of: KratixCRDs.workload)),
                ]))),
        ])
        let status = OpenAPISchema.object("The observed state of the Work.", [
            ("conditions", .conditions("Current conditions: ScheduleSucceeded and Ready.")),
            ("workPlacements", .integer("The number of workload groups.")),
            ("workPlacementsCreated", .integer("The number of workload groups that were scheduled.")),
        ])
        var b = KratixCRDs.builder(
            Work.self, properties: [("spec", spec), ("status", status)],
            description: "A Work: the documents a workflow run produced, waiting to be scheduled to Destinations.")
        b.printerColumns = [KratixCRDs.readyMessageColumn("STATUS", "Status of this Work.")]
        return b
    }
}

extension WorkPlacement {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("One workload group placed on one Destination.", [
            ("generation", .int64("The Work's generation when it was last scheduled.")),
            ("id", .string("The workload group's id.")),
            ("promiseName", .string("The Promise that produced the Work.")),
            ("resourceName", .string("The resource request that produced the Work; empty for Promise dependencies.")),
            ("targetDestinationName", .string("The Destination the group is placed on.")),
            ("workloads", .array("The files to write.", of: KratixCRDs.workload)),
        ])
        let status = OpenAPISchema.object("The observed state of the WorkPlacement.", [
            ("conditions", .conditions("Current conditions: ScheduleSucceeded, WriteSucceeded and Ready.")),
            ("versionID", .string("The state store's version of the last write that changed something.")),
        ])
        var b = KratixCRDs.builder(
            WorkPlacement.self, properties: [("spec", spec), ("status", status)],
            description: "A WorkPlacement: one workload group of a Work placed on one Destination.")
        b.shortNames = ["wp", "wps"]
        b.printerColumns = [
            .init("DESTINATION", jsonPath: ".spec.targetDestinationName", description: "The Destination this WorkPlacement is scheduled to."),
            KratixCRDs.readyMessageColumn("STATUS", "Status of this WorkPlacement."),
        ]
        return b
    }
}
