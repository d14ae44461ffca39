import KubeModel

extension GitStateStore {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("The repository and branch to write to.", [
            ("authMethod", .string("How to authenticate: basicAuth, ssh or githubApp.", enum: ["basicAuth", "ssh", "githubApp"], default: "basicAuth")),
            ("branch", .string("The branch to write to.", default: "main")),
            ("gitAuthor", OpenAPISchema.object("The author and committer of Kratix's commits.", [
                ("email", .string("Author email.")),
                ("name", .string("Author name.")),
            ]).defaulting(to: ["name": "kratix"])),
            ("path", KratixCRDs.stateStorePath),
            ("secretRef", .secretReference("The Secret with the credentials for authMethod.")),
            ("url", .string("The repository URL (https://… or an SSH address).")),
        ])
        var b = KratixCRDs.builder(
            GitStateStore.self, properties: [("spec", spec), ("status", KratixCRDs.stateStoreStatus)],
            description: "A Git repository that Kratix writes Destination documents to.")
        b.printerColumns = [KratixCRDs.readyStatusColumn]
        return b
    }
}

extension BucketStateStore {
    public static var crd: CustomResourceDefinitionBuilder {
        let spec = OpenAPISchema.object("The bucket to write to.", required: ["bucketName", "endpoint"], [
            ("authMethod", .string("How to authenticate: accessKey or IAM.", enum: ["accessKey", "IAM"], default: "accessKey")),
            ("bucketName", .string("Name of an existing bucket.")),
            ("endpoint", .string("host[:port] of the S3 API, without a scheme.")),
            ("insecure", .boolean("Use plain HTTP instead of HTTPS.")),
            ("path", KratixCRDs.stateStorePath),
            ("secretRef", .secretReference("The Secret with accessKeyID and secretAccessKey (authMethod accessKey).")),
            // Upstream's field has no `omitempty`, so every write stores `false`: a default does the same.
            ("useDualStack", .boolean("Use the dual-stack endpoint (Amazon endpoints only).", default: false)),
        ])
        var b = KratixCRDs.builder(
            BucketStateStore.self, properties: [("spec", spec), ("status", KratixCRDs.stateStoreStatus)],
            description: "An S3-compatible bucket that Kratix writes Destination documents to.")
        b.printerColumns = [KratixCRDs.readyStatusColumn]
        return b
    }
}
