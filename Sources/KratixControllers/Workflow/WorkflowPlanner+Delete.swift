import Foundation
import KratixAPI
import KubeModel
import KubeRuntime

/// Delete workflows (§5.8, §5.9 step 6). Only the first delete pipeline is ever run.
extension WorkflowPlanner {
    /// How long the caller waits between looks at a delete workflow (upstream's default requeue).
    public static let deleteRequeue: Duration = .seconds(15)

    /// Plans one pass of a delete workflow. `input.jobs` are the object's Jobs (any action); the
    /// delete Job is the newest one carrying every label of the fresh delete Job, and configure Jobs
    /// are those labelled `kratix.io/workflow-action=configure`.
    public static func planDelete(_ input: Input) -> WorkflowPlan {
        guard let pipeline = input.pipelines.first else {
            return WorkflowPlan(decision: .noPipelines, state: .noPipelines)
        }
        var status = WorkflowStatusDocument(input.status, conditionStyle: input.conditionStyle)
        let original = status
        var plan = decideDelete(input, pipeline, &status)
        if status != original { plan.status = status.value }
        return plan
    }

    private static func decideDelete(_ input: Input, _ pipeline: Pipeline, _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        let manual = input.label(KratixLabels.manualReconciliation)
        let job = WorkflowJob.newestFirst(input.jobs.filter { $0.hasLabels(pipeline.jobLabels) }).first

        if let job, job.isRunning {
            if manual {
                var plan = WorkflowPlan(decision: .suspendJob(job.name), state: .inProgress)
                plan.jobsToSuspend = [JobReference(job)]
                plan.events.append(WorkflowEvent(.normal, reason: "PipelineSuspended", message: "Delete Pipeline suspended: \(pipeline.name)"))
                plan.action = .requeueAfter(deleteRequeue)
                return plan
            }
            var plan = WorkflowPlan(decision: .waitForJob(job.name), state: .inProgress)
            plan.action = .requeueAfter(deleteRequeue)
            return plan
        }

        guard let job, !manual else {
            let configureRunning = input.jobs.contains {
                $0.labels[KratixLabels.workflowAction] == WorkflowAction.configure.rawValue && $0.isRunning
            }
            if configureRunning {
                var plan = WorkflowPlan(decision: .waitForConfigureJobs, state: .inProgress)
                plan.action = .requeueAfter(deleteRequeue)
                return plan
            }
            return startDelete(input, pipeline, resetStatus: true, &status)
        }

        if job.succeeded > 0 {
            if input.label(KratixLabels.workflowSuspended) {
                let retryTimes = status.retryTimes
                if retryTimes.contains(where: { $0 <= input.now }) {
                    // A retryAfter has come due (§5.9): run the delete pipeline again.
                    return startDelete(input, pipeline, resetStatus: false, &status)
                }
                status.setCondition(Conditions.deleteWorkflowCompleted, .false, reason: Conditions.deleteWorkflowSuspended,
                                    message: Conditions.deleteWorkflowSuspendedMessage, now: input.now)
                var plan = WorkflowPlan(decision: .suspended(retryAt: retryTimes.min()), state: .suspended)
                plan.action = .requeueAfter(deleteRequeue)
                if let retryAt = retryTimes.min() {
                    let milliseconds = Int64((max(0, retryAt.timeIntervalSince(input.now)) * 1000).rounded(.up))
                    plan.action = .requeueAfter(min(deleteRequeue, .milliseconds(milliseconds)))
                }
                return plan
            }
            if status.suspendedPipelineIndex != nil {
                // The suspended label was just removed: run the delete pipeline again.
                return startDelete(input, pipeline, resetStatus: false, &status)
            }
            return WorkflowPlan(decision: .completed, state: .completed)
        }
        if job.failed > 0 {
            var plan = WorkflowPlan(decision: .failed(pipeline: pipeline.name, reason: Conditions.deleteWorkflowFailed), state: .failed)
            status.setCondition(Conditions.deleteWorkflowCompleted, .false, reason: Conditions.deleteWorkflowFailed,
                                message: Conditions.deleteWorkflowFailedMessage, now: input.now)
            plan.events.append(WorkflowEvent(.warning, reason: "Failed Pipeline", message: Conditions.deleteWorkflowFailedMessage))
            return plan
        }
        var plan = WorkflowPlan(decision: .waitForJob(job.name), state: .inProgress)
        plan.action = .requeueAfter(deleteRequeue)
        return plan
    }

    private static func startDelete(_ input: Input, _ pipeline: Pipeline, resetStatus: Bool,
                                    _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        var plan = WorkflowPlan(decision: .startPipeline(index: 0), state: .inProgress)
        plan.startPipeline = 0
        if input.label(KratixLabels.manualReconciliation) { plan.labelsToRemove.append(KratixLabels.manualReconciliation) }
        // A fresh run is not suspended; the status writer labels the object again if it suspends.
        if input.label(KratixLabels.workflowSuspended) { plan.labelsToRemove.append(KratixLabels.workflowSuspended) }
        if resetStatus { status.resetPipelines(to: input.pipelines.map(\.name), now: input.now) }
        status.setPhase(.running, of: pipeline.name, now: input.now)
        plan.events.append(WorkflowEvent(.normal, reason: "PipelineStarted", message: "Delete Pipeline started: \(pipeline.name)"))
        plan.action = .requeueAfter(deleteRequeue)
        return plan
    }
}
