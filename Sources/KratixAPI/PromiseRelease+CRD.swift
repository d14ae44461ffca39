import KubeModel

extension PromiseRelease {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("Where to fetch the Promise and which version to install.", required: ["sourceRef"], [
            ("sourceRef", OpenAPISchema.object("Where the Promise is fetched from.", required: ["type"], [
                ("secretRef", .secretReference("A Secret whose authorizationHeader key is sent as the Authorization header.")),
                ("type", .string("The source type; only http.", enum: ["http"])),
                ("url", .string("The URL of the Promise YAML.")),
            ]).defaulting(to: ["type": "http"])),
            ("version", .string("The Promise version to install; must equal the Promise's kratix.io/promise-version label.")),
        ])
        let status = OpenAPISchema.object("The observed state of the release.", [
            ("conditions", .conditions("Current conditions; Installed says whether the Promise is installed.")),
            ("status", .string("Installed, or Error installing.")),
        ])
        var b = KratixCRDs.builder(
            PromiseRelease.self, properties: [("spec", spec), ("status", status)],
            description: "A PromiseRelease installs a Promise fetched from a URL.")
        b.printerColumns = [
            .init("Status", jsonPath: ".status.status"),
            .init("Version", jsonPath: ".spec.version"),
        ]
        return b
    }
}

extension HealthRecord {
    public static var crd: CustomResourceDefinitionBuilder {
        let data = OpenAPISchema.object("The health observation.", required: ["promiseRef", "state"], [
            ("details", OpenAPISchema.freeForm("Free-form details from the health check.")),
            ("lastRun", .int64("Unix time of the last health check run.")),
            ("promiseRef", KratixCRDs.promiseReference),
            ("resourceRef", .object("The resource request this record is about.", required: ["name", "namespace"], [
                ("generation", .int64("The resource's generation when the check ran.")),
                ("name", .string("Name of the resource request.")),
                ("namespace", .string("Namespace of the resource request.")),
            ])),
            ("state", .string(
                "unknown, ready, unhealthy, healthy or degraded.",
                enum: ["unknown", "ready", "unhealthy", "healthy", "degraded"], default: "unknown")),
        ])
        var b = KratixCRDs.builder(
            HealthRecord.self, properties: [("data", data)],
            description: "A HealthRecord reports the health of one resource request.")
        b.categories = []
        b.hasStatusSubresource = false
        b.printerColumns = [
            .init("Status", jsonPath: ".data.state", description: "The recorded state."),
            .init("Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
        ]
        return b
    }
}
