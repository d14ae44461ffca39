import KubeModel
import KubeRuntime

/// The outcome class a controller branches on after running the engine.
public enum WorkflowState: Sendable, Equatable {
    /// Still working (a Job runs, was just started, or status was brought up to date).
    case inProgress
    /// Every pipeline succeeded; the caller finalises status (§8.1 step 17).
    case completed
    case failed
    case suspended
    /// Nothing to run.
    case noPipelines
}

/// Everything one reconcile of a workflow should do, computed without IO by ``WorkflowPlanner``
/// and carried out by ``WorkflowEngine`` in this order: labels, Job suspension, pipeline start,
/// pruning and Work cleanup, events. The caller writes ``status``.
public struct WorkflowPlan: Sendable, Equatable {
    public var decision: WorkflowDecision
    public var state: WorkflowState
    /// The object's new `status` when it changed, else `nil`.
    public var status: JSONValue?
    public var labelsToAdd: [String: String] = [:]
    public var labelsToRemove: [String] = []
    public var jobsToSuspend: [JobReference] = []
    /// Index of the pipeline whose objects are applied.
    public var startPipeline: Int?
    /// Jobs beyond `numberOfJobsToKeep`, oldest first.
    public var jobsToDelete: [JobReference] = []
    /// Delete Works of pipelines no longer in the workflow.
    public var cleanUpWorks = false
    public var events: [WorkflowEvent] = []
    /// How the controller should come back: `.done` is a passive requeue (watch events bring it back).
    public var action: ReconcileAction = .done

    public init(decision: WorkflowDecision, state: WorkflowState) {
        self.decision = decision
        self.state = state
    }

    public var changesLabels: Bool { !labelsToAdd.isEmpty || !labelsToRemove.isEmpty }
}
