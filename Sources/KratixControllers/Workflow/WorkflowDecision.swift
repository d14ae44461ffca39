import Foundation

/// What the planner decided for one reconcile of a workflow. The summary a controller or a test
/// looks at; the details of the IO are in ``WorkflowPlan``.
public enum WorkflowDecision: Sendable, Equatable {
    /// The workflow has no pipelines; nothing to run.
    case noPipelines
    /// Create the Job (and its objects) of pipeline `index`.
    case startPipeline(index: Int)
    /// A Job is running; come back when it changes.
    case waitForJob(String)
    /// Manual reconciliation found a Job running: suspend it first.
    case suspendJob(String)
    /// Only the status counters or phases were out of date; write them and come back.
    case recordProgress
    /// Every pipeline succeeded.
    case completed
    /// The current pipeline's Job failed (`reason` is the condition reason).
    case failed(pipeline: String, reason: String)
    /// A pipeline suspended the workflow; `retryAt` is when its `retryAfter` falls due, if any.
    case suspended(retryAt: Date?)
    /// A suspended pipeline's retry time has passed: the suspended label is removed so it re-runs.
    case retryAfterSuspension
    /// The object changed, or was manually reconciled, while suspended: restart from pipeline 0.
    case restartAfterSuspension
    /// Delete workflows only: a configure Job of the object is still running.
    case waitForConfigureJobs
}
