import KratixAPI

/// The flags of `pipeline-adapter work-creator` (§6.3), with upstream's defaults.
public struct WorkCreatorOptions: Sendable, Equatable {
    /// Holds `input/` (the pipeline output), `metadata/` and `kratix-system/promise-scheduling`.
    public var inputDirectory: String
    public var promiseName: String
    public var pipelineName: String
    /// Where the Work is written; empty means `kratix-platform-system`.
    public var namespace: String
    public var resourceName: String?
    /// Only passed when the Promise sets a pipeline namespace; it then also names the Work.
    public var resourceNamespace: String?
    /// `resource` or `promise`.
    public var workflowType: String
    /// `KRATIX_DRY_RUN=true`: the Work is labelled `kratix.io/dry-run`.
    public var dryRun: Bool
    /// `KRATIX_TRACE_PARENT` / `KRATIX_TRACE_STATE`, copied onto the Work.
    public var traceParent: String?
    public var traceState: String?
    /// Where ``inputDirectory`` and the paths under it are here.
    public var paths: PathMap = .identity

    public init(
        inputDirectory: String, promiseName: String, pipelineName: String, namespace: String = KratixGroup.systemNamespace,
        resourceName: String? = nil, resourceNamespace: String? = nil, workflowType: String = WorkflowType.resource.rawValue,
        dryRun: Bool = false, traceParent: String? = nil, traceState: String? = nil
    ) {
        self.inputDirectory = inputDirectory
        self.promiseName = promiseName
        self.pipelineName = pipelineName
        self.namespace = namespace
        self.resourceName = resourceName
        self.resourceNamespace = resourceNamespace
        self.workflowType = workflowType
        self.dryRun = dryRun
        self.traceParent = traceParent
        self.traceState = traceState
    }

    /// Reads the environment part (`KRATIX_DRY_RUN`, trace variables) into these options.
    public mutating func apply(environment: [String: String]) {
        dryRun = environment["KRATIX_DRY_RUN"] == "true"
        traceParent = environment["KRATIX_TRACE_PARENT"].flatMap { $0.isEmpty ? nil : $0 }
        traceState = environment["KRATIX_TRACE_STATE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var effectiveNamespace: String { namespace.isEmpty ? KratixGroup.systemNamespace : namespace }

    var outputDirectory: String { paths.host(PipelineFiles.join(inputDirectory, "input")) }
    var metadataDirectory: String { paths.host(PipelineFiles.join(inputDirectory, "metadata")) }
    var destinationSelectorsFile: String { paths.host(PipelineFiles.join(inputDirectory, "metadata/destination-selectors.yaml")) }
    var workflowControlFile: String { paths.host(PipelineFiles.join(inputDirectory, "metadata/workflow-control.yaml")) }
    var promiseSchedulingFile: String { paths.host(PipelineFiles.join(inputDirectory, "kratix-system/promise-scheduling")) }
}
