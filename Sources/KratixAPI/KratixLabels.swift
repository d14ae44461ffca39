/// Label keys Kratix reads and writes. Their spelling is part of the compatibility contract.
public enum KratixLabels {
    public static let promiseName = "kratix.io/promise-name"
    public static let resourceName = "kratix.io/resource-name"
    public static let resourceNamespace = "kratix.io/resource-namespace"
    public static let pipelineName = "kratix.io/pipeline-name"
    public static let pipelineNamespace = "kratix.io/pipeline-namespace"
    public static let workflowType = "kratix.io/workflow-type"
    public static let workflowAction = "kratix.io/workflow-action"
    public static let workType = "kratix.io/work-type"
    public static let workAction = "kratix.io/work-action"
    public static let hash = "kratix.io/hash"
    public static let pipelineHash = "kratix.io/pipeline-hash"
    public static let managedBy = "app.kubernetes.io/managed-by"
    public static let managedByValue = "Kratix"
    public static let promiseVersion = "kratix.io/promise-version"
    public static let promiseReleaseName = "kratix.io/promise-release-name"
    public static let latestRevision = "kratix.io/latest-revision"
    public static let manualReconciliation = "kratix.io/manual-reconciliation"
    public static let runFromStart = "internal.workflows.kratix.io/run-from-start"
    public static let reconcileResources = "kratix.io/reconcile-resources"
    public static let workflowSuspended = "kratix.io/workflow-suspended"
    public static let paused = "kratix.io/paused"
    public static let dryRun = "kratix.io/dry-run"
    /// The DryRun an ephemeral request or summary Work belongs to.
    public static let dryRunOwner = "kratix.io/dry-run-owner"
    public static let dryRunSummary = "kratix.io/dry-run-summary"
    public static let dryRunParent = "kratix.io/dry-run-parent"
    /// On a request a compound Promise's pipeline writes: the request it is a component of.
    public static let parentResourceName = "kratix.io/parent-resource-name"
    public static let work = "kratix.io/work"
    public static let workloadGroupID = "kratix.io/workload-group-id"
    public static let targetDestinationName = "kratix.io/targetDestinationName"
    public static let misplaced = "kratix.io/misplaced"
}

/// Annotation keys Kratix reads and writes.
public enum KratixAnnotations {
    /// On a DryRun's ephemeral request: the live request it previews.
    public static let dryRunResourceName = "kratix.io/dry-run-resource-name"
    public static let dryRunResourceNamespace = "kratix.io/dry-run-resource-namespace"
    public static let jobResourceNamespace = "kratix.io/job-resource-namespace"
    public static let jobResourceName = "kratix.io/job-resource-name"
    public static let jobResourceKind = "kratix.io/job-resource-kind"
    public static let jobResourceAPIVersion = "kratix.io/job-resource-api-version"
    /// When Kratix created a workflow Job, to the nanosecond (this implementation's; upstream orders
    /// Jobs by `creationTimestamp`).
    public static let jobCreatedAt = "kratix.io/created-at"
    public static let traceParent = "kratix.io/trace-parent"
    public static let traceState = "kratix.io/trace-state"
    public static let lastUpdatedAt = "kratix.io/last-updated-at"
    public static let reconciliationInterval = "kratix.io/reconciliation-interval"
    public static let skipResourceRequestCleanupOnDelete = "kratix.io/skip-resource-request-cleanup-on-delete"
}

/// Finalizer names. Objects created by upstream Kratix carry these, so they must match exactly.
public enum KratixFinalizers {
    public static let resourceRequestCleanup = "kratix.io/resource-request-cleanup"
    /// (sic) "dependant", as upstream spells it.
    public static let dynamicControllerDependantResourcesCleanup = "kratix.io/dynamic-controller-dependant-resources-cleanup"
    public static let apiCRDCleanup = "kratix.io/api-crd-cleanup"
    public static let dependenciesCleanup = "kratix.io/dependencies-cleanup"
    public static let workflowsCleanup = "kratix.io/workflows-cleanup"
    public static let deleteWorkflows = "kratix.io/delete-workflows"
    public static let revisionCleanup = "kratix.io/revision-cleanup"
    public static let workCleanup = "kratix.io/work-cleanup"
    public static let resourceBindingCleanup = "kratix.io/resource-binding-cleanup"
    public static let healthRecordCleanup = "kratix.io/health-record-cleanup"
    public static let promiseCleanup = "kratix.io/promise-cleanup"
    public static let destinationCleanup = "kratix.io/destination-cleanup"
    public static let workPlacementRepoCleanup = "finalizers.workplacement.kratix.io/repo-cleanup"
    public static let workPlacementDotFilesCleanup = "finalizers.workplacement.kratix.io/kratix-dot-files-cleanup"
}
