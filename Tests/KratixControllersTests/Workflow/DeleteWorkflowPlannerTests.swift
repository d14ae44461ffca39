import Foundation
import KratixAPI
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

/// The delete engine (§5.8, §5.9 step 6), one situation per row.
@Suite struct DeleteWorkflowPlannerTests {
    typealias T = WorkflowPlannerTests

    static let pipelines = [
        WorkflowPlanner.Pipeline(name: "teardown", jobLabels: T.labels("teardown", action: "delete")),
        WorkflowPlanner.Pipeline(name: "ignored", jobLabels: T.labels("ignored", action: "delete")),
    ]

    static func deleteJob(_ name: String, _ state: T.JobState, age: Double, hash: String = T.currentHash) -> WorkflowJob {
        T.job(name, "teardown", state, age: age, hash: hash, action: "delete")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var labels: [String: String] = [:]
        var status: JSONValue = .object([:])
        var jobs: [WorkflowJob] = []
        var pipelines = DeleteWorkflowPlannerTests.pipelines
        var decision: WorkflowDecision
        var state: WorkflowState = .inProgress
        var action: ReconcileAction = .requeueAfter(.seconds(15))
        var start: Int? = nil
        var removeLabels: [String] = []
        var suspend: [String] = []
        var events: [String] = []
        var testDescription: String { name }
    }

    static let suspendedStatus: JSONValue = ["kratix": ["workflows": ["pipelines": [["name": "teardown", "phase": "Suspended"]]]]]

    static func retryStatus(at time: Date) -> JSONValue {
        ["kratix": ["workflows": ["pipelines": [["name": "teardown", "phase": "Suspended", "attempts": 1,
                                                  "nextRetryAt": .string(Timestamp.format(time))]]]]]
    }

    static let cases: [Case] = [
        Case(name: "no delete pipeline: done", pipelines: [], decision: .noPipelines, state: .noPipelines, action: .done),
        Case(name: "no Job: start the first delete pipeline", decision: .startPipeline(index: 0), start: 0,
             events: ["Normal PipelineStarted Delete Pipeline started: teardown"]),
        Case(name: "a configure Job still runs: wait for it", jobs: [T.job("c", "p0", .running, age: 3)],
             decision: .waitForConfigureJobs),
        Case(name: "delete Job running: wait", jobs: [deleteJob("d", .running, age: 3)], decision: .waitForJob("d")),
        Case(name: "delete Job running under manual reconciliation: suspend it",
             labels: [KratixLabels.manualReconciliation: "true"], jobs: [deleteJob("d", .running, age: 3)],
             decision: .suspendJob("d"), suspend: ["d"], events: ["Normal PipelineSuspended Delete Pipeline suspended: teardown"]),
        Case(name: "manual reconciliation after a finished Job: run again",
             labels: [KratixLabels.manualReconciliation: "true"], jobs: [deleteJob("d", .complete, age: 3)],
             decision: .startPipeline(index: 0), start: 0, removeLabels: [KratixLabels.manualReconciliation],
             events: ["Normal PipelineStarted Delete Pipeline started: teardown"]),
        Case(name: "delete Job succeeded: done", jobs: [deleteJob("d", .complete, age: 3)], decision: .completed,
             state: .completed, action: .done),
        Case(name: "a Job of another hash is not this delete pipeline's",
             jobs: [deleteJob("old", .complete, age: 3, hash: "old")], decision: .startPipeline(index: 0), start: 0,
             events: ["Normal PipelineStarted Delete Pipeline started: teardown"]),
        Case(name: "delete Job failed", jobs: [deleteJob("d", .failed, age: 3)],
             decision: .failed(pipeline: "teardown", reason: "DeleteWorkflowFailed"), state: .failed, action: .done,
             events: ["Warning Failed Pipeline The Delete Pipeline has failed"]),
        Case(name: "succeeded but suspended: wait for the label to go",
             labels: [KratixLabels.workflowSuspended: "true"], status: suspendedStatus, jobs: [deleteJob("d", .complete, age: 3)],
             decision: .suspended(retryAt: nil), state: .suspended),
        Case(name: "suspended with a retry due later: look again at that time",
             labels: [KratixLabels.workflowSuspended: "true"], status: retryStatus(at: T.now.addingTimeInterval(4)),
             jobs: [deleteJob("d", .complete, age: 3)], decision: .suspended(retryAt: T.now.addingTimeInterval(4)),
             state: .suspended, action: .requeueAfter(.seconds(4))),
        Case(name: "suspended with a retry due: run the delete pipeline again",
             labels: [KratixLabels.workflowSuspended: "true"], status: retryStatus(at: T.now.addingTimeInterval(-1)),
             jobs: [deleteJob("d", .complete, age: 3)], decision: .startPipeline(index: 0), start: 0,
             removeLabels: [KratixLabels.workflowSuspended], events: ["Normal PipelineStarted Delete Pipeline started: teardown"]),
        Case(name: "suspension lifted: run the delete pipeline again", status: suspendedStatus,
             jobs: [deleteJob("d", .complete, age: 3)], decision: .startPipeline(index: 0), start: 0,
             events: ["Normal PipelineStarted Delete Pipeline started: teardown"]),
    ]

    @Test(arguments: cases)
    func delete(_ c: Case) {
        let plan = WorkflowPlanner.planDelete(.init(workflowType: .resource, pipelines: c.pipelines, objectLabels: c.labels,
                                                    status: c.status, jobs: c.jobs, now: T.now))
        #expect(plan.decision == c.decision)
        #expect(plan.state == c.state)
        #expect(plan.action == c.action)
        #expect(plan.startPipeline == c.start)
        #expect(plan.labelsToRemove == c.removeLabels)
        #expect(plan.jobsToSuspend.map(\.name) == c.suspend)
        #expect(plan.events.map { "\($0.type.rawValue) \($0.reason) \($0.message)" } == c.events)
    }

    @Test func startingResetsPipelinesToTheDeletePipelines() throws {
        let status: JSONValue = ["kratix": ["workflows": ["pipelines": [["name": "p0", "phase": "Succeeded"]]]]]
        let plan = WorkflowPlanner.planDelete(.init(workflowType: .resource, pipelines: Self.pipelines, objectLabels: [:],
                                                    status: status, jobs: [], now: T.now))
        #expect(plan.status != nil)
        let document = WorkflowStatusDocument(plan.status, conditionStyle: .clusterAPI)
        #expect(document.pipelines.map { $0["name"] } == ["teardown", "ignored"])
        #expect(document.pipelines.map { $0["phase"] } == ["Running", "Pending"])
    }

    @Test func resumingDoesNotResetStatus() throws {
        let plan = WorkflowPlanner.planDelete(.init(workflowType: .resource, pipelines: Self.pipelines, objectLabels: [:],
                                                    status: Self.suspendedStatus, jobs: [Self.deleteJob("d", .complete, age: 3)], now: T.now))
        #expect(plan.status != nil)
        let document = WorkflowStatusDocument(plan.status, conditionStyle: .clusterAPI)
        #expect(document.pipelines.map { $0["name"] } == ["teardown"])
        #expect(document.phase(of: "teardown") == "Running")
    }

    @Test func failureAndSuspensionConditions() throws {
        let failed = WorkflowPlanner.planDelete(.init(workflowType: .resource, pipelines: Self.pipelines, objectLabels: [:],
                                                      status: .object([:]), jobs: [Self.deleteJob("d", .failed, age: 3)], now: T.now))
        let failedCondition = WorkflowStatusDocument(failed.status, conditionStyle: .clusterAPI).condition("DeleteWorkflowCompleted")
        #expect(failedCondition?.status == .false)
        #expect(failedCondition?.reason == "DeleteWorkflowFailed")
        #expect(failedCondition?.message == "The Delete Pipeline has failed")

        let suspended = WorkflowPlanner.planDelete(.init(workflowType: .resource, pipelines: Self.pipelines,
                                                         objectLabels: [KratixLabels.workflowSuspended: "true"],
                                                         status: Self.suspendedStatus, jobs: [Self.deleteJob("d", .complete, age: 3)], now: T.now))
        let suspendedCondition = WorkflowStatusDocument(suspended.status, conditionStyle: .clusterAPI).condition("DeleteWorkflowCompleted")
        #expect(suspendedCondition?.reason == "DeleteWorkflowSuspended")
        #expect(suspendedCondition?.message == "The delete workflow is suspended")
    }
}
