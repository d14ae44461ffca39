import Foundation
import KratixAPI
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

/// The configure engine (§5.2–5.7, §5.9), one situation per row.
@Suite struct WorkflowPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let currentHash = "hash-now"

    enum JobState: Sendable { case running, complete, failed, suspended }

    static func labels(_ pipeline: String, hash: String = currentHash, action: String = "configure") -> [String: String] {
        [
            KratixLabels.promiseName: "db", KratixLabels.workflowType: "resource", KratixLabels.workflowAction: action,
            KratixLabels.pipelineName: pipeline, KratixLabels.hash: hash, KratixLabels.resourceName: "orders",
            KratixLabels.managedBy: KratixLabels.managedByValue,
        ]
    }

    static let pipelines = [
        WorkflowPlanner.Pipeline(name: "p0", jobLabels: labels("p0")),
        WorkflowPlanner.Pipeline(name: "p1", jobLabels: labels("p1")),
    ]

    /// A Job of `pipeline` created `age` seconds before `now`.
    static func job(_ name: String, _ pipeline: String, _ state: JobState, age: Double, hash: String = currentHash,
                    action: String = "configure") -> WorkflowJob {
        var job = WorkflowJob(name: name, namespace: "default", labels: labels(pipeline, hash: hash, action: action),
                              creationTimestamp: now.addingTimeInterval(-age))
        switch state {
        case .running: job.active = 1
        case .complete:
            job.succeeded = 1
            job.conditionTypes = ["Complete"]
        case .failed:
            job.failed = 1
            job.conditionTypes = ["Failed"]
        case .suspended: job.conditionTypes = ["Suspended"]
        }
        return job
    }

    /// A status with the counters and the phase of each pipeline.
    static func status(succeeded: Int64? = 0, failed: Int64? = 0, phases: [String] = ["Pending", "Pending"],
                       extra: (inout JSONObject) -> Void = { _ in }) -> JSONValue {
        var o = JSONObject()
        o["workflows"] = 2
        if let succeeded { o["workflowsSucceeded"] = .int(succeeded) }
        if let failed { o["workflowsFailed"] = .int(failed) }
        let entries: [JSONValue] = phases.enumerated().map { i, phase in
            ["name": .string("p\(i)"), "phase": .string(phase), "lastTransitionTime": "2023-01-01T00:00:00Z"]
        }
        o["kratix"] = ["workflows": ["pipelines": .array(entries)]]
        extra(&o)
        return .object(o)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var labels: [String: String] = [:]
        var generation: Int64 = 1
        var status: JSONValue = WorkflowPlannerTests.status()
        var jobs: [WorkflowJob] = []
        var keep = 5
        var pipelines = WorkflowPlannerTests.pipelines
        var decision: WorkflowDecision
        var state: WorkflowState = .inProgress
        var action: ReconcileAction = .done
        var start: Int? = nil
        var addLabels: [String: String] = [:]
        var removeLabels: [String] = []
        var suspend: [String] = []
        var delete: [String] = []
        var cleanUpWorks = false
        var statusWritten = true
        var events: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no pipelines", pipelines: [], decision: .noPipelines, state: .noPipelines, statusWritten: false),
        Case(name: "new object: counters initialised first", status: .object([:]), decision: .recordProgress),
        Case(name: "missing failed counter is initialised", status: status(failed: nil), decision: .recordProgress),
        Case(name: "no Jobs: start pipeline 0", decision: .startPipeline(index: 0), start: 0,
             events: ["Normal PipelineStarted Configure Pipeline started: p0"]),
        Case(name: "current Job running: wait", jobs: [job("j0", "p0", .running, age: 5)], decision: .waitForJob("j0"),
             statusWritten: false),
        Case(name: "running Job under manual reconciliation: suspend it",
             labels: [KratixLabels.manualReconciliation: "true"], jobs: [job("j0", "p0", .running, age: 5)],
             decision: .suspendJob("j0"), suspend: ["j0"], statusWritten: false),
        Case(name: "the adapter rejected the running pipeline's output: fail now, suspend the Job",
             status: status(phases: ["Failed", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["pipelines": [
                     ["name": "p0", "phase": "Failed", "message": "too large",
                      "lastTransitionTime": "2023-01-01T00:00:00Z"],
                     ["name": "p1", "phase": "Pending", "lastTransitionTime": "2023-01-01T00:00:00Z"],
                 ]]]
             },
             jobs: [job("j0", "p0", .running, age: 5)],
             decision: .failed(pipeline: "p0", reason: "ConfigureWorkflowFailed"), state: .failed, suspend: ["j0"],
             events: ["Warning ConfigureWorkflowFailed A resource/configure Pipeline has failed: p0"]),
        Case(name: "a Failed phase the controller wrote does not stop a running Job",
             status: status(failed: 1, phases: ["Failed", "Pending"]), jobs: [job("j0", "p0", .running, age: 5)],
             decision: .waitForJob("j0"), statusWritten: false),
        Case(name: "pipeline 0 done: record progress", jobs: [job("j0", "p0", .complete, age: 5)], decision: .recordProgress),
        Case(name: "pipeline 0 done and recorded: start pipeline 1", status: status(succeeded: 1, phases: ["Succeeded", "Pending"]),
             jobs: [job("j0", "p0", .complete, age: 5)], decision: .startPipeline(index: 1), start: 1,
             events: ["Normal PipelineStarted Configure Pipeline started: p1"]),
        Case(name: "last pipeline done: completed, cleanup", status: status(succeeded: 2, phases: ["Succeeded", "Succeeded"]),
             jobs: [job("j0", "p0", .complete, age: 20), job("j1", "p1", .complete, age: 5)],
             decision: .completed, state: .completed, cleanUpWorks: true, statusWritten: false),
        Case(name: "last pipeline failed", status: status(succeeded: 1, phases: ["Succeeded", "Running"]),
             jobs: [job("j0", "p0", .complete, age: 20), job("j1", "p1", .failed, age: 5)],
             decision: .failed(pipeline: "p1", reason: "ConfigureWorkflowFailed"), state: .failed,
             events: ["Warning ConfigureWorkflowFailed A resource/configure Pipeline has failed: p1"]),
        Case(name: "a suspended Job counts as failed", status: status(succeeded: 0, phases: ["Running", "Pending"]),
             jobs: [job("j0", "p0", .suspended, age: 5)],
             decision: .failed(pipeline: "p0", reason: "ConfigureWorkflowFailed"), state: .failed,
             events: ["Warning ConfigureWorkflowFailed A resource/configure Pipeline has failed: p0"]),
        Case(name: "already recorded failure writes nothing new",
             status: status(succeeded: 1, failed: 1, phases: ["Succeeded", "Failed"]) { o in
                 o["conditions"] = [
                     ["type": "ConfigureWorkflowCompleted", "status": "False", "reason": "ConfigureWorkflowFailed",
                      "message": "A Configure Pipeline has failed: p1", "lastTransitionTime": "2023-01-01T00:00:00Z"],
                     ["type": "Reconciled", "status": "False", "reason": "ConfigureWorkflowFailed", "message": "Failing",
                      "lastTransitionTime": "2023-01-01T00:00:00Z"],
                 ]
             },
             jobs: [job("j1", "p1", .failed, age: 5)],
             decision: .failed(pipeline: "p1", reason: "ConfigureWorkflowFailed"), state: .failed, statusWritten: false,
             events: ["Warning ConfigureWorkflowFailed A resource/configure Pipeline has failed: p1"]),
        Case(name: "spec changed after completion: counters reset", status: status(succeeded: 2, phases: ["Succeeded", "Succeeded"]),
             jobs: [job("j1", "p1", .complete, age: 5, hash: "old")], decision: .recordProgress),
        Case(name: "spec changed, counters reset: start pipeline 0", jobs: [job("j1", "p1", .complete, age: 5, hash: "old")],
             decision: .startPipeline(index: 0), start: 0, events: ["Normal PipelineStarted Configure Pipeline started: p0"]),
        Case(name: "spec changed while a Job runs: the old Job finishes first",
             jobs: [job("j1", "p1", .running, age: 5, hash: "old")], decision: .waitForJob("j1"), statusWritten: false),
        Case(name: "manual reconciliation after completion restarts at 0 in the same pass",
             labels: [KratixLabels.manualReconciliation: "true"], status: status(succeeded: 2, phases: ["Succeeded", "Succeeded"]),
             jobs: [job("j1", "p1", .complete, age: 5)], decision: .startPipeline(index: 0), start: 0,
             removeLabels: [KratixLabels.manualReconciliation], events: ["Normal PipelineStarted Configure Pipeline started: p0"]),
        Case(name: "manual reconciliation with pipeline 0's Job completed restarts it",
             labels: [KratixLabels.manualReconciliation: "true"], jobs: [job("j0", "p0", .complete, age: 5)],
             decision: .startPipeline(index: 0), start: 0, removeLabels: [KratixLabels.manualReconciliation],
             events: ["Normal PipelineStarted Configure Pipeline started: p0"]),
        Case(name: "run-from-start restarts at 0 and drops its label",
             labels: [KratixLabels.runFromStart: "true"], status: status(succeeded: 1, phases: ["Succeeded", "Running"]),
             jobs: [job("j1", "p1", .running, age: 5)], decision: .waitForJob("j1"), statusWritten: true),
        Case(name: "run-from-start with finished Jobs starts pipeline 0",
             labels: [KratixLabels.runFromStart: "true"], status: status(succeeded: 2, phases: ["Succeeded", "Succeeded"]),
             jobs: [job("j1", "p1", .complete, age: 5)], decision: .startPipeline(index: 0), start: 0,
             removeLabels: [KratixLabels.runFromStart], events: ["Normal PipelineStarted Configure Pipeline started: p0"]),
        Case(name: "resume after the suspended label is removed re-runs the suspended pipeline",
             status: status(succeeded: 1, phases: ["Succeeded", "Suspended"]),
             jobs: [job("j0", "p0", .complete, age: 20), job("j1", "p1", .complete, age: 5)],
             decision: .startPipeline(index: 1), start: 1, cleanUpWorks: true,
             events: ["Normal PipelineStarted Configure Pipeline started: p1"]),
        Case(name: "suspended: warn and wait",
             labels: [KratixLabels.workflowSuspended: "true"],
             status: status(succeeded: 0, phases: ["Suspended", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
                     ["name": "p0", "phase": "Suspended", "message": "waiting for approval"], ["name": "p1", "phase": "Pending"]]]]
             },
             jobs: [job("j0", "p0", .complete, age: 5)], decision: .suspended(retryAt: nil), state: .suspended,
             events: ["Warning WorkflowSuspended Workflow suspended at pipeline p0: waiting for approval"]),
        Case(name: "suspended with a retry due later: requeue at that time",
             labels: [KratixLabels.workflowSuspended: "true"],
             status: status(succeeded: 0, phases: ["Suspended", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
                     ["name": "p0", "phase": "Suspended", "nextRetryAt": .string(Timestamp.format(now.addingTimeInterval(90))), "attempts": 1],
                     ["name": "p1", "phase": "Pending"]]]]
             },
             decision: .suspended(retryAt: Date(timeIntervalSince1970: 1_700_000_090)), state: .suspended,
             action: .requeueAfter(.seconds(90)), events: ["Warning WorkflowSuspended Workflow suspended at pipeline p0"]),
        Case(name: "suspended with a retry due: drop the suspended label",
             labels: [KratixLabels.workflowSuspended: "true"],
             status: status(succeeded: 0, phases: ["Suspended", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
                     ["name": "p0", "phase": "Suspended", "nextRetryAt": .string(Timestamp.format(now.addingTimeInterval(-1)))],
                     ["name": "p1", "phase": "Pending"]]]]
             },
             decision: .retryAfterSuspension, removeLabels: [KratixLabels.workflowSuspended], statusWritten: false),
        Case(name: "labelled suspended before the adapter's status write arrives: wait, do not restart",
             labels: [KratixLabels.workflowSuspended: "true"],
             status: status(succeeded: 1, phases: ["Succeeded", "Running"]),
             jobs: [job("j1", "p1", .complete, age: 1)], decision: .waitForJob("j1"), statusWritten: false),
        Case(name: "spec changed while suspended: restart from the start",
             labels: [KratixLabels.workflowSuspended: "true"], generation: 2,
             status: status(succeeded: 0, phases: ["Suspended", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
                     ["name": "p0", "phase": "Suspended"], ["name": "p1", "phase": "Pending"]]]]
             },
             decision: .restartAfterSuspension, addLabels: [KratixLabels.runFromStart: "true"],
             removeLabels: [KratixLabels.workflowSuspended]),
        Case(name: "manual reconciliation while suspended: restart from the start",
             labels: [KratixLabels.workflowSuspended: "true", KratixLabels.manualReconciliation: "true"],
             status: status(succeeded: 0, phases: ["Suspended", "Pending"]) { o in
                 o["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
                     ["name": "p0", "phase": "Suspended"], ["name": "p1", "phase": "Pending"]]]]
             },
             decision: .restartAfterSuspension, addLabels: [KratixLabels.runFromStart: "true"],
             removeLabels: [KratixLabels.workflowSuspended]),
        Case(name: "completion prunes Jobs beyond numberOfJobsToKeep, oldest first",
             status: status(succeeded: 2, phases: ["Succeeded", "Succeeded"]),
             jobs: [job("a", "p1", .complete, age: 50), job("b", "p1", .failed, age: 40), job("c", "p1", .complete, age: 30),
                    job("d", "p1", .complete, age: 20), job("e", "p0", .complete, age: 15), job("f", "p1", .complete, age: 5)],
             keep: 2, decision: .completed, state: .completed, delete: ["a", "b", "c"], cleanUpWorks: true, statusWritten: false),
        Case(name: "a failure prunes too, counting failed Jobs", status: status(succeeded: 0, failed: 1, phases: ["Failed", "Pending"]),
             jobs: [job("a", "p0", .failed, age: 30, hash: "old"), job("b", "p0", .failed, age: 20), job("c", "p0", .failed, age: 5)],
             keep: 1, decision: .failed(pipeline: "p0", reason: "ConfigureWorkflowFailed"), state: .failed, delete: ["a", "b"],
             events: ["Warning ConfigureWorkflowFailed A resource/configure Pipeline has failed: p0"]),
    ]

    @Test(arguments: cases)
    func configure(_ c: Case) {
        let input = WorkflowPlanner.Input(
            workflowType: .resource, pipelines: c.pipelines, objectLabels: c.labels, generation: c.generation, status: c.status,
            jobs: c.jobs, numberOfJobsToKeep: c.keep, now: Self.now)
        let plan = WorkflowPlanner.planConfigure(input)
        #expect(plan.decision == c.decision)
        #expect(plan.state == c.state)
        #expect(plan.action == c.action)
        #expect(plan.startPipeline == c.start)
        #expect(plan.labelsToAdd == c.addLabels)
        #expect(plan.labelsToRemove == c.removeLabels)
        #expect(plan.jobsToSuspend.map(\.name) == c.suspend)
        #expect(plan.jobsToDelete.map(\.name) == c.delete)
        #expect(plan.cleanUpWorks == c.cleanUpWorks)
        #expect((plan.status != nil) == c.statusWritten)
        #expect(plan.events.map { "\($0.type.rawValue) \($0.reason) \($0.message)" } == c.events)
    }

    func planFor(_ status: JSONValue, jobs: [WorkflowJob] = [], labels: [String: String] = [:],
              type: WorkflowType = .resource) -> (WorkflowPlan, WorkflowStatusDocument) {
        let plan = WorkflowPlanner.planConfigure(.init(workflowType: type, pipelines: Self.pipelines, objectLabels: labels,
                                                       status: status, jobs: jobs, now: Self.now))
        return (plan, WorkflowStatusDocument(plan.status ?? status, conditionStyle: type == .promise ? .metav1 : .clusterAPI))
    }

    @Test func startingAPipelineWritesTheStartingStatus() {
        let (_, status) = planFor(Self.status(succeeded: 1, phases: ["Succeeded", "Pending"]), jobs: [Self.job("j0", "p0", .complete, age: 5)])
        #expect(status.message == "Pending")
        #expect(status.condition("Reconciled")?.status == .unknown)
        #expect(status.condition("Reconciled")?.reason == "WorkflowPending")
        #expect(status.condition("Reconciled")?.message == "Pending")
        let completed = status.condition("ConfigureWorkflowCompleted")
        #expect(completed?.status == .false)
        #expect(completed?.reason == "PipelinesInProgress")
        #expect(completed?.message == "Pipelines are still in progress")
        #expect(completed?.lastTransitionTime == Timestamp.format(Self.now))
        #expect(status.phase(of: "p0") == "Succeeded")
        #expect(status.phase(of: "p1") == "Running")
        #expect(status.pipelines[1]["lastTransitionTime"] == .string(Timestamp.format(Self.now)))
        // Resource request conditions are sorted by type.
        #expect(status.conditions.map(\.type) == ["ConfigureWorkflowCompleted", "Reconciled"])
    }

    @Test func progressMarksTheCompletedPipelineSucceeded() {
        let (plan, status) = planFor(Self.status(succeeded: 0, phases: ["Running", "Pending"]), jobs: [Self.job("j0", "p0", .complete, age: 5)])
        #expect(plan.decision == .recordProgress)
        #expect(status.counter("workflowsSucceeded") == 1)
        #expect(status.counter("workflowsFailed") == 0)
        #expect(status.phase(of: "p0") == "Succeeded")
        #expect(status.phase(of: "p1") == "Pending")
    }

    @Test func failureWritesConditionsCounterAndPhase() {
        let (_, status) = planFor(Self.status(succeeded: 1, phases: ["Succeeded", "Running"]),
                               jobs: [Self.job("j1", "p1", .failed, age: 5)])
        #expect(status.counter("workflowsFailed") == 1)
        #expect(status.phase(of: "p1") == "Failed")
        let completed = status.condition("ConfigureWorkflowCompleted")
        #expect(completed?.status == .false)
        #expect(completed?.reason == "ConfigureWorkflowFailed")
        #expect(completed?.message == "A Configure Pipeline has failed: p1")
        let reconciled = status.condition("Reconciled")
        #expect(reconciled?.status == .false)
        #expect(reconciled?.reason == "ConfigureWorkflowFailed")
        #expect(reconciled?.message == "Failing")
    }

    @Test func restartResetsPipelinesAndSuspension() {
        var start = Self.status(succeeded: 0, phases: ["Suspended", "Pending"]).objectValue!
        start["kratix"] = ["workflows": ["suspendedGeneration": 1, "pipelines": [
            ["name": "p0", "phase": "Suspended", "message": "wait", "attempts": 2], ["name": "p1", "phase": "Pending"]]]]
        let (_, status) = planFor(.object(start), labels: [KratixLabels.workflowSuspended: "true", KratixLabels.manualReconciliation: "true"])
        #expect(status.suspendedGeneration == nil)
        #expect(status.pipelines.map { $0["phase"] } == ["Pending", "Pending"])
        #expect(status.pipelines[0]["message"] == nil)
        #expect(status.pipelines[0]["attempts"] == nil)
    }

    @Test func suspendedPromiseIsUnavailable() {
        var start = Self.status(succeeded: 0, phases: ["Suspended", "Pending"]).objectValue!
        start["kratix"] = ["workflows": ["suspendedGeneration": 3, "pipelines": [
            ["name": "p0", "phase": "Suspended"], ["name": "p1", "phase": "Pending"]]]]
        start["status"] = "Available"
        let (plan, status) = planFor(.object(start), labels: [KratixLabels.workflowSuspended: "true"], type: .promise)
        #expect(plan.decision == .suspended(retryAt: nil))
        #expect(status.condition("Available")?.status == .false)
        #expect(status.condition("Available")?.reason == "WorkflowSuspended")
        #expect(status.condition("Reconciled")?.reason == "WorkflowSuspended")
        #expect(status.json["status"] == "Unavailable")
        #expect(status.json["kratix"]?["status"] == "Unavailable")
        // Promise conditions keep insertion order (metav1).
        #expect(status.conditions.map(\.type) == ["Reconciled", "Available"])
    }

    @Test func jobPredicates() {
        let running = Self.job("r", "p0", .running, age: 1)
        #expect(running.isRunning && !running.isFailed && !running.isCompleted)
        let fresh = WorkflowJob(name: "n", namespace: "d", labels: [:], creationTimestamp: nil)
        #expect(fresh.isRunning)
        let complete = Self.job("c", "p0", .complete, age: 1)
        #expect(complete.isCompleted && !complete.isRunning)
        let failed = Self.job("f", "p0", .failed, age: 1)
        #expect(failed.isFailed && !failed.isCompleted)
        let suspended = Self.job("s", "p0", .suspended, age: 1)
        #expect(suspended.isFailed && !suspended.isRunning)
        // Active pods mean running even with a terminal condition.
        var activeFailed = failed
        activeFailed.active = 1
        #expect(activeFailed.isRunning)
        // Belonging compares hash, type, action, pipeline hash and name.
        #expect(complete.belongs(toPipelineWithLabels: Self.labels("p0")))
        #expect(!complete.belongs(toPipelineWithLabels: Self.labels("p1")))
        #expect(!complete.belongs(toPipelineWithLabels: Self.labels("p0", hash: "other")))
        #expect(!complete.belongs(toPipelineWithLabels: Self.labels("p0", action: "delete")))
        var withPipelineHash = Self.labels("p0")
        withPipelineHash[KratixLabels.pipelineHash] = "x"
        #expect(!complete.belongs(toPipelineWithLabels: withPipelineHash))
    }

    @Test func jobIsReadFromAKubernetesJob() {
        let object: KubeObject = KubeObject([
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": "j", "namespace": "ns", "labels": ["a": "b"], "creationTimestamp": "2024-05-01T10:00:00Z"],
            "status": ["active": 0, "succeeded": 1, "conditions": [["type": "Complete", "status": "True"]]],
        ])
        let job = WorkflowJob(object)
        #expect(job.name == "j")
        #expect(job.namespace == "ns")
        #expect(job.labels == ["a": "b"])
        #expect(job.creationTimestamp == Timestamp.parse("2024-05-01T10:00:00Z"))
        #expect(job.succeeded == 1)
        #expect(job.isCompleted)
    }
}
