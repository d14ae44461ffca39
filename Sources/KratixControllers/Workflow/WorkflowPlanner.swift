import Foundation
import KratixAPI
import KubeModel
import KubeRuntime

/// The workflow engine's decisions (§5), as a pure function of what the controller observed.
///
/// Everything the engine needs to know is in ``Input``; everything it wants done is in the returned
/// ``WorkflowPlan``. Keeping IO out makes each rule of the spec a row in a table test.
public enum WorkflowPlanner {
    /// One pipeline of the workflow, identified as its Jobs are: by the labels of its fresh Job.
    public struct Pipeline: Sendable, Equatable {
        public var name: String
        public var jobLabels: [String: String]

        public init(name: String, jobLabels: [String: String]) {
            self.name = name
            self.jobLabels = jobLabels
        }

        public init(_ resources: PipelineResources) {
            self.init(name: resources.pipelineName, jobLabels: resources.jobLabels)
        }
    }

    public struct Input: Sendable {
        public var workflowType: WorkflowType
        /// The workflow's pipelines, in order.
        public var pipelines: [Pipeline]
        public var objectLabels: [String: String]
        public var generation: Int64
        /// The object's `status`.
        public var status: JSONValue?
        /// The object's Jobs of this workflow type (§5.2 step 1; for delete workflows, every Job of
        /// the object), in any order.
        public var jobs: [WorkflowJob]
        public var numberOfJobsToKeep: Int
        public var now: Date

        public init(
            workflowType: WorkflowType, pipelines: [Pipeline], objectLabels: [String: String], generation: Int64 = 1,
            status: JSONValue?, jobs: [WorkflowJob], numberOfJobsToKeep: Int = 5, now: Date = Date()
        ) {
            self.workflowType = workflowType
            self.pipelines = pipelines
            self.objectLabels = objectLabels
            self.generation = generation
            self.status = status
            self.jobs = jobs
            self.numberOfJobsToKeep = numberOfJobsToKeep
            self.now = now
        }

        func label(_ key: String) -> Bool { objectLabels[key] == "true" }

        var conditionStyle: WorkflowStatusDocument.ConditionStyle { workflowType == .promise ? .metav1 : .clusterAPI }
    }

    // Condition types, reasons and messages the engine writes (§5, §8.2).
    public enum Conditions {
        public static let configureWorkflowCompleted = "ConfigureWorkflowCompleted"
        public static let deleteWorkflowCompleted = "DeleteWorkflowCompleted"
        public static let reconciled = "Reconciled"
        public static let available = "Available"
        public static let pipelinesInProgress = "PipelinesInProgress"
        public static let pipelinesInProgressMessage = "Pipelines are still in progress"
        public static let configureWorkflowFailed = "ConfigureWorkflowFailed"
        public static let workflowPending = "WorkflowPending"
        public static let workflowSuspended = "WorkflowSuspended"
        public static let deleteWorkflowFailed = "DeleteWorkflowFailed"
        public static let deleteWorkflowFailedMessage = "The Delete Pipeline has failed"
        public static let deleteWorkflowSuspended = "DeleteWorkflowSuspended"
        public static let deleteWorkflowSuspendedMessage = "The delete workflow is suspended"
    }

    /// Plans one pass of a configure workflow: suspension first (§5.9 step 4), then the state of
    /// the Jobs (§5.2), status bookkeeping (§5.3) and the action (§5.4–5.6).
    public static func planConfigure(_ input: Input) -> WorkflowPlan {
        guard !input.pipelines.isEmpty else {
            return WorkflowPlan(decision: .noPipelines, state: .noPipelines)
        }
        var status = WorkflowStatusDocument(input.status, conditionStyle: input.conditionStyle)
        let original = status
        if input.label(KratixLabels.workflowSuspended) {
            var plan = planSuspended(input, &status)
            if status != original { plan.status = status.value }
            return plan
        }

        let state = State(input, status)
        var plan: WorkflowPlan
        if let progress = bookkeeping(input, state, &status) {
            plan = progress
        } else {
            plan = act(input, state, &status)
        }
        if status != original { plan.status = status.value }
        return plan
    }

    /// What §5.2 determines: the pipeline to act on and how many have completed.
    struct State {
        var manual: Bool
        var restart: Bool
        var resume: Bool
        var suspendedIndex: Int?
        var mostRecent: WorkflowJob?
        var index: Int
        var completed: Int

        init(_ input: Input, _ status: WorkflowStatusDocument) {
            manual = input.label(KratixLabels.manualReconciliation)
            restart = input.label(KratixLabels.runFromStart)
            let last = input.pipelines.count - 1
            suspendedIndex = status.suspendedPipelineIndex.map { min($0, last) }
            resume = !input.label(KratixLabels.workflowSuspended) && !restart && suspendedIndex != nil
            mostRecent = WorkflowJob.newestFirst(input.jobs).first
            let resumeIndex = resume ? suspendedIndex : nil
            guard let job = mostRecent else {
                index = resumeIndex ?? 0
                completed = index
                return
            }
            if restart {
                index = 0
                completed = 0
                return
            }
            // Job history is ignored under manual reconciliation.
            let owner = manual ? nil : input.pipelines.firstIndex { job.belongs(toPipelineWithLabels: $0.jobLabels) }
            var pipelineIndex = owner ?? 0
            completed = pipelineIndex
            if let resumeIndex {
                index = resumeIndex
                completed = resumeIndex
                return
            }
            if owner != nil && job.isCompleted {
                completed += 1
                if pipelineIndex < last { pipelineIndex += 1 }
            }
            index = pipelineIndex
        }
    }

    /// §5.3: bring the counters and phases in line with what the Jobs say. Returns a plan when the
    /// pass should stop after writing them (a passive requeue).
    static func bookkeeping(_ input: Input, _ state: State, _ status: inout WorkflowStatusDocument) -> WorkflowPlan? {
        let succeeded = status.counter("workflowsSucceeded") ?? -1
        let failed = status.counter("workflowsFailed") ?? -1
        let completed = Int64(state.completed)
        var wrote = false
        if succeeded != completed {
            status.setCounter("workflowsSucceeded", completed)
            if completed > 0 {
                // The pipeline before the current one is the one that completed. (Upstream marks the
                // most recent Job's pipeline, which is the same one except when that Job failed.)
                status.setPhase(.succeeded, of: input.pipelines[state.completed - 1].name, now: input.now)
            }
            wrote = true
        }
        let resetDue = (state.manual || state.restart) && (failed != 0 || succeeded != 0)
        if resetDue || (succeeded != completed && completed == 0) {
            status.setCounter("workflowsFailed", 0)
            status.resetPipelines(to: input.pipelines.map(\.name), now: input.now)
            wrote = true
        } else if failed == -1 {
            status.setCounter("workflowsFailed", 0)
            wrote = true
        }
        guard wrote, !state.manual, !state.restart else { return nil }
        var plan = WorkflowPlan(decision: .recordProgress, state: .inProgress)
        plan.action = .done
        return plan
    }

    /// §5.4: act on the pipeline at `state.index` given its most recent Job.
    static func act(_ input: Input, _ state: State, _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        let pipeline = input.pipelines[state.index]
        let job = state.mostRecent
        let belongs = job?.belongs(toPipelineWithLabels: pipeline.jobLabels) ?? false

        if let job, job.isRunning {
            // Whether or not it belongs to this pipeline, a running Job is waited for; manual
            // reconciliation suspends it first. (An update during a run lets the old Job finish.)
            if state.manual {
                var plan = WorkflowPlan(decision: .suspendJob(job.name), state: .inProgress)
                plan.jobsToSuspend = [JobReference(job)]
                return plan
            }
            // The pipeline adapter found this pipeline's output unusable (too large to store):
            // no retry can help, so the workflow fails now and the Job is suspended.
            if belongs, status.phase(of: pipeline.name) == PipelineStatus.Phase.failed.rawValue, status.message(of: pipeline.name) != nil {
                var plan = fail(input, pipeline: pipeline.name, &status)
                plan.jobsToSuspend = [JobReference(job)]
                return plan
            }
            return WorkflowPlan(decision: .waitForJob(job.name), state: .inProgress)
        }
        guard belongs, let job else {
            return start(input, state, &status)
        }
        if state.manual || state.restart {
            return start(input, state, &status)
        }
        if state.resume {
            var plan = start(input, state, &status)
            plan.jobsToDelete = jobsBeyondRetention(input)
            plan.cleanUpWorks = true
            return plan
        }
        if job.isFailed {
            var plan = fail(input, pipeline: pipeline.name, &status)
            plan.jobsToDelete = jobsBeyondRetention(input)
            return plan
        }
        var plan = WorkflowPlan(decision: .completed, state: .completed)
        plan.jobsToDelete = jobsBeyondRetention(input)
        plan.cleanUpWorks = true
        return plan
    }

    /// Starting a pipeline: drop the one-shot labels, apply its objects, mark it running.
    static func start(_ input: Input, _ state: State, _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        let pipeline = input.pipelines[state.index]
        var plan = WorkflowPlan(decision: .startPipeline(index: state.index), state: .inProgress)
        plan.startPipeline = state.index
        if state.manual { plan.labelsToRemove.append(KratixLabels.manualReconciliation) }
        if state.restart { plan.labelsToRemove.append(KratixLabels.runFromStart) }
        plan.events.append(WorkflowEvent(.normal, reason: "PipelineStarted", message: "Configure Pipeline started: \(pipeline.name)"))
        if status.message != "Pending" { status.message = "Pending" }
        status.setCondition(Conditions.reconciled, .unknown, reason: Conditions.workflowPending, message: "Pending", now: input.now)
        status.setCondition(Conditions.configureWorkflowCompleted, .false, reason: Conditions.pipelinesInProgress,
                            message: Conditions.pipelinesInProgressMessage, now: input.now)
        status.setPhase(.running, of: pipeline.name, now: input.now)
        return plan
    }

    /// §5.5: the current pipeline's Job failed. Later pipelines do not run.
    static func fail(_ input: Input, pipeline: String, _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        var plan = WorkflowPlan(decision: .failed(pipeline: pipeline, reason: Conditions.configureWorkflowFailed), state: .failed)
        status.setCondition(Conditions.configureWorkflowCompleted, .false, reason: Conditions.configureWorkflowFailed,
                            message: "A Configure Pipeline has failed: \(pipeline)", now: input.now)
        status.setCondition(Conditions.reconciled, .false, reason: Conditions.configureWorkflowFailed, message: "Failing", now: input.now)
        status.setCounter("workflowsFailed", 1)
        status.setPhase(.failed, of: pipeline, now: input.now)
        plan.events.append(WorkflowEvent(.warning, reason: Conditions.configureWorkflowFailed,
                                         message: "A \(input.workflowType.rawValue)/configure Pipeline has failed: \(pipeline)"))
        return plan
    }

    /// §5.9 step 4: the object carries `kratix.io/workflow-suspended`.
    static func planSuspended(_ input: Input, _ status: inout WorkflowStatusDocument) -> WorkflowPlan {
        let manual = input.label(KratixLabels.manualReconciliation)
        // The pipeline adapter labels the object, then writes the suspension into its status (two
        // writes: label and status are apart). A pass between them has nothing to restart or retry
        // from and waits for the status, whose write brings the next pass. (Taking the missing
        // `suspendedGeneration` for a spec change ran the workflow again from its first pipeline.)
        if !manual, status.suspendedGeneration == nil, status.suspendedPipelineIndex == nil {
            return WorkflowPlan(decision: .waitForJob(WorkflowJob.newestFirst(input.jobs).first?.name ?? ""), state: .inProgress)
        }
        if manual || input.generation > (status.suspendedGeneration ?? 0) {
            var plan = WorkflowPlan(decision: .restartAfterSuspension, state: .inProgress)
            plan.labelsToAdd[KratixLabels.runFromStart] = "true"
            plan.labelsToRemove.append(KratixLabels.workflowSuspended)
            status.resetPipelines(to: input.pipelines.map(\.name), now: input.now)
            return plan
        }
        let retryTimes = status.retryTimes
        if retryTimes.contains(where: { $0 <= input.now }) {
            var plan = WorkflowPlan(decision: .retryAfterSuspension, state: .inProgress)
            plan.labelsToRemove.append(KratixLabels.workflowSuspended)
            return plan
        }
        let retryAt = retryTimes.min()
        var plan = WorkflowPlan(decision: .suspended(retryAt: retryAt), state: .suspended)
        if let retryAt {
            let seconds = max(0, retryAt.timeIntervalSince(input.now))
            plan.action = .requeueAfter(.milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
        let suspendedName = status.suspendedPipelineIndex.map { status.pipelines[$0]["name"]?.stringValue ?? "" } ?? ""
        let reason = status.suspendedPipelineIndex.flatMap { status.pipelines[$0]["message"]?.stringValue }
        var message = "Workflow suspended"
        if !suspendedName.isEmpty { message += " at pipeline \(suspendedName)" }
        if let reason, !reason.isEmpty { message += ": \(reason)" }
        plan.events.append(WorkflowEvent(.warning, reason: Conditions.workflowSuspended, message: message))
        status.setCondition(Conditions.reconciled, .unknown, reason: Conditions.workflowSuspended, message: "Suspended", now: input.now)
        if input.workflowType == .promise {
            status.setCondition(Conditions.available, .false, reason: Conditions.workflowSuspended, message: "Suspended", now: input.now)
            status.json["status"] = "Unavailable"
            var kratix = status.json["kratix"]?.objectValue ?? [:]
            kratix["status"] = "Unavailable"
            status.json["kratix"] = .object(kratix)
        }
        return plan
    }
}
