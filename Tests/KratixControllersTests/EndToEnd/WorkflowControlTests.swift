import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2, `workflow_control_test.go` (assets `workflow-control/`): a
/// pipeline that writes `/kratix/metadata/workflow-control.yaml` with `retryAfter` is Suspended and
/// retried on its interval, later pipelines wait, and the workflow finishes once its gate exists; the
/// same for resource configure, resource delete and promise delete pipelines; `suspend: true` stops
/// at that pipeline until the label goes, and the manual label or a spec change restart it.
@Suite(.serialized) struct WorkflowControlTests {
    static let assets = "kratix/system/assets/workflow-control"

    func pipeline(_ promise: KubeObject?, _ name: String) -> JSONValue? {
        promise?[at: ["status", "kratix", "workflows", "pipelines"]]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    @Test func aRetryingPromisePipelineIsSuspendedRetriedAndFinishesOnceItsGateExists() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise-retry.yaml")
            let name = try await platform.kubectl(["get", "-f", TestEnvironment.fixturesDirectory.appendingPathComponent("\(Self.assets)/promise-retry.yaml").path,
                                                   "-o", "jsonpath={.metadata.name}"])
            func promise() async -> KubeObject? { await platform.get(Promise.groupVersionResource, name) }

            // Suspended with its message, a retry time and a first attempt; the label is set; pipe-2 never starts.
            #expect(await platform.eventually { pipeline(await promise(), "pipe-retry")?["phase"] == "Suspended" })
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
            let suspended = await promise()
            let entry = pipeline(suspended, "pipe-retry")
            #expect(entry?["message"] == "configmap workflow-retry-test not found")
            #expect(entry?["nextRetryAt"]?.stringValue?.hasPrefix("20") == true, "\(entry?.description ?? "")")
            #expect((entry?["attempts"]?.intValue ?? 0) >= 1)
            #expect(pipeline(suspended, "pipe-0")?["phase"] == "Succeeded")
            #expect(pipeline(suspended, "pipe-2")?["phase"] == "Pending")
            #expect(suspended?.labels["kratix.io/workflow-suspended"] == "true")
            #expect(await platform.eventually(timeout: .seconds(8)) {
                let current = await promise()
                return current?.condition("Reconciled")?["reason"] == "WorkflowSuspended" && current?.condition("Available")?["reason"] == "WorkflowSuspended"
            }, "the controller reports the suspension: \(suspended?.conditionSummary ?? [])")
            #expect(try await platform.list(.jobs, namespace: KratixGroup.systemNamespace,
                                            labels: "kratix.io/promise-name=\(name),kratix.io/pipeline-name=pipe-2").isEmpty)

            // Re-executed after its 10 s interval: the attempts count goes up.
            #expect(await platform.eventually(timeout: .seconds(120)) {
                (pipeline(await promise(), "pipe-retry")?["attempts"]?.intValue ?? 0) >= 2
            }, "retried after retryAfter")

            // The gate opens: the rest runs, the retry fields and the label clear, the Promise is Available.
            try await platform.kubectl(["create", "configmap", "workflow-retry-test", "-n", KratixGroup.systemNamespace])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let current = await promise()
                return pipeline(current, "pipe-2")?["phase"] == "Succeeded" && current?[at: ["status", "status"]] == "Available"
            })
            let finished = await promise()
            #expect(pipeline(finished, "pipe-retry")?["phase"] == "Succeeded")
            #expect(pipeline(finished, "pipe-retry")?["nextRetryAt"] == nil)
            #expect(pipeline(finished, "pipe-retry")?["attempts"] == nil)
            #expect(finished?.labels["kratix.io/workflow-suspended"] == nil)
        }
    }

    func jobs(_ platform: PlatformHarness, namespace: String, pipeline: String) async throws -> [KubeObject] {
        try await platform.list(.jobs, namespace: namespace, labels: "kratix.io/pipeline-name=\(pipeline)")
    }

    func suspendedLabel(_ object: KubeObject?) -> String? { object?.labels["kratix.io/workflow-suspended"] }

    @Test func resourceAndDeletePipelinesRetryUntilTheirGatesExist() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            // The promise configure gate is open from the start: this test is about the other pipelines.
            try await platform.kubectl(["create", "configmap", "workflow-retry-test", "-n", KratixGroup.systemNamespace])
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise-retry.yaml")
            let name = try await platform.kubectl(["get", "-f", TestEnvironment.fixturesDirectory.appendingPathComponent("\(Self.assets)/promise-retry.yaml").path,
                                                   "-o", "jsonpath={.metadata.name}"])
            func promise() async -> KubeObject? { await platform.get(Promise.groupVersionResource, name) }
            #expect(await platform.eventually { await promise()?[at: ["status", "status"]] == "Available" })
            let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "workflowretries")
            func request() async -> KubeObject? { await platform.get(requests, "retry-test", namespace: "default") }

            // Resource configure: Suspended with its message and attempts, no Work, retried, then done once the gate exists.
            try await platform.apply(fixture: "\(Self.assets)/resource-request-retry.yaml")
            #expect(await platform.eventually { pipeline(await request(), "resource-pipe-retry")?["phase"] == "Suspended" })
            let suspended = await request()
            #expect(pipeline(suspended, "resource-pipe-retry")?["message"] == "retrying resource pipeline")
            #expect((pipeline(suspended, "resource-pipe-retry")?["attempts"]?.intValue ?? 0) >= 1)
            #expect(suspendedLabel(suspended) == "true")
            #expect(try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=retry-test").isEmpty)
            #expect(await platform.eventually(timeout: .seconds(60)) {
                (pipeline(await request(), "resource-pipe-retry")?["attempts"]?.intValue ?? 0) >= 2
            }, "retried after retryAfter")
            try await platform.kubectl(["create", "configmap", "workflow-retry-resource-gate", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let current = await request()
                return current?.condition("Reconciled")?["status"] == "True" && suspendedLabel(current) == nil
            })
            let done = await request()
            #expect(pipeline(done, "resource-pipe-retry")?["phase"] == "Succeeded")
            #expect(pipeline(done, "resource-pipe-retry")?["attempts"] == nil)
            #expect(pipeline(done, "resource-pipe-retry")?["nextRetryAt"] == nil)

            // Resource delete: the status shows only the delete pipeline, Suspended; deletion waits for the gate.
            try await platform.kubectl(["delete", "workflowretry", "retry-test", "-n", "default", "--wait=false"])
            #expect(await platform.eventually {
                await request()?.condition("DeleteWorkflowCompleted")?["reason"] == "DeleteWorkflowSuspended"
            })
            let deleting = await request()
            let names = deleting?[at: ["status", "kratix", "workflows", "pipelines"]]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["resource-delete-retry-pipe"])
            #expect(pipeline(deleting, "resource-delete-retry-pipe")?["phase"] == "Suspended")
            #expect(pipeline(deleting, "resource-delete-retry-pipe")?["message"] == "waiting for delete gate configmap")
            #expect(deleting?.condition("DeleteWorkflowCompleted")?["status"] == "False")
            #expect(deleting?.condition("DeleteWorkflowCompleted")?["message"] == "The delete workflow is suspended")
            #expect(await platform.eventually(timeout: .seconds(60)) {
                (pipeline(await request(), "resource-delete-retry-pipe")?["attempts"]?.intValue ?? 0) >= 2
            }, "the delete pipeline is retried")
            #expect(await request() != nil)
            try await platform.kubectl(["create", "configmap", "workflow-retry-delete-gate", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(60)) { await request() == nil }, "deletion completes once the gate exists")

            // Promise delete: the same loop.
            try await platform.kubectl(["delete", "promise", name, "--wait=false"])
            #expect(await platform.eventually { pipeline(await promise(), "promise-delete-retry-pipe")?["phase"] == "Suspended" })
            #expect(pipeline(await promise(), "promise-delete-retry-pipe")?["message"] == "waiting for promise delete gate configmap")
            try await platform.kubectl(["create", "configmap", "workflow-retry-promise-delete-gate", "-n", KratixGroup.systemNamespace])
            #expect(await platform.eventually(timeout: .seconds(60)) { await promise() == nil }, "the Promise goes once its gate exists")
            await platform.reportFailedPods(namespace: "default")
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
        }
    }

    @Test func suspendStopsAtItsPipelineUntilResumedOrRestarted() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let system = KratixGroup.systemNamespace
            try await platform.apply(fixture: "\(Self.assets)/promise.yaml")
            func promise() async -> KubeObject? { await platform.get(Promise.groupVersionResource, "workflow-suspend") }

            // Suspended at pipe-1: pipe-0 Succeeded, pipe-2 Pending with no Job.
            #expect(await platform.eventually { pipeline(await promise(), "pipe-1")?["phase"] == "Suspended" })
            var current = await promise()
            #expect(pipeline(current, "pipe-0")?["phase"] == "Succeeded")
            #expect(pipeline(current, "pipe-1")?["message"] == "waiting for approval")
            #expect(pipeline(current, "pipe-1")?["attempts"] == nil)
            #expect(pipeline(current, "pipe-2")?["phase"] == "Pending")
            #expect(suspendedLabel(current) == "true")
            #expect(current?[at: ["status", "kratix", "workflows", "suspendedGeneration"]] == current?[at: ["metadata", "generation"]])
            #expect(try await jobs(platform, namespace: system, pipeline: "pipe-2").isEmpty)

            // Removing the label resumes from the suspended pipeline (which suspends again), not from pipe-0.
            try await platform.kubectl(["label", "promise", "workflow-suspend", "kratix.io/workflow-suspended-"])
            #expect(await platform.eventually { try await jobs(platform, namespace: system, pipeline: "pipe-1").count == 2 })
            #expect(await platform.eventually { suspendedLabel(await promise()) == "true" })
            #expect(try await jobs(platform, namespace: system, pipeline: "pipe-0").count == 1)
            #expect(try await jobs(platform, namespace: system, pipeline: "pipe-2").isEmpty)

            // The manual-reconciliation label restarts from the first pipeline.
            try await platform.kubectl(["label", "promise", "workflow-suspend", "kratix.io/manual-reconciliation=true"])
            #expect(await platform.eventually { try await jobs(platform, namespace: system, pipeline: "pipe-0").count == 2 })
            #expect(await platform.eventually {
                let again = await promise()
                return pipeline(again, "pipe-1")?["phase"] == "Suspended" && suspendedLabel(again) == "true"
            })
            #expect(try await jobs(platform, namespace: system, pipeline: "pipe-2").isEmpty)

            // A spec change restarts from the beginning; this version does not suspend.
            try await platform.apply(fixture: "\(Self.assets)/promise-updated.yaml")
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let updated = await promise()
                return pipeline(updated, "pipe-2")?["phase"] == "Succeeded" && updated?[at: ["status", "status"]] == "Available"
            })
            current = await promise()
            #expect(suspendedLabel(current) == nil)
            #expect(current?[at: ["status", "kratix", "workflows", "suspendedGeneration"]] == nil)
            #expect(try await jobs(platform, namespace: system, pipeline: "pipe-0").count == 3)

            // A suspended resource pipeline writes no Work until resumed.
            let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "workflowsuspends")
            func request() async -> KubeObject? { await platform.get(requests, "suspend-test", namespace: "default") }
            func works() async throws -> [KubeObject] {
                try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=suspend-test")
            }
            try await platform.apply(fixture: "\(Self.assets)/resource-request.yaml")
            #expect(await platform.eventually { pipeline(await request(), "resource-pipe-0")?["phase"] == "Suspended" })
            #expect(pipeline(await request(), "resource-pipe-0")?["message"] == "waiting for configmap")
            #expect(await platform.eventually(timeout: .seconds(10)) {
                await request()?.condition("Reconciled")?["reason"] == "WorkflowSuspended"
            })
            #expect(try await works().isEmpty)
            try await platform.apply(fixture: "\(Self.assets)/configmap.yaml")
            try await platform.kubectl(["label", "workflowsuspend", "suspend-test", "-n", "default", "kratix.io/workflow-suspended-"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                await request()?.condition("Reconciled")?["status"] == "True"
            })
            #expect(try await works().count == 1)

            // A suspended delete pipeline keeps the Works; removing the label finishes the deletion.
            try await platform.kubectl(["delete", "workflowsuspend", "suspend-test", "-n", "default", "--wait=false"])
            #expect(await platform.eventually {
                await request()?.condition("DeleteWorkflowCompleted")?["reason"] == "DeleteWorkflowSuspended"
            })
            #expect(pipeline(await request(), "resource-delete-pipe")?["message"] == "waiting for delete approval")
            let deletedWorks = try await platform.changes(to: Work.groupVersionResource, namespace: "default", during: .seconds(2)) {
                $0.type == .deleted || $0.object.deletionTimestamp != nil
            }
            #expect(deletedWorks.isEmpty, "the Works stay while the delete pipeline is suspended: \(PlatformHarness.describe(deletedWorks))")
            #expect(try await works().count == 1, "the Works stay while the delete pipeline is suspended")
            try await platform.kubectl(["delete", "configmap", "workflow-suspend-test", "-n", "default"])
            try await platform.kubectl(["label", "workflowsuspend", "suspend-test", "-n", "default", "kratix.io/workflow-suspended-"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let gone = await request() == nil
                let remaining = try await works()
                return gone && remaining.isEmpty
            })

            // The same for the Promise's delete pipeline.
            try await platform.kubectl(["create", "configmap", "workflow-suspend-promise-delete-gate", "-n", system])
            try await platform.kubectl(["delete", "promise", "workflow-suspend", "--wait=false"])
            #expect(await platform.eventually { pipeline(await promise(), "promise-delete-pipe")?["phase"] == "Suspended" })
            #expect(await platform.eventually { await promise()?.condition("DeleteWorkflowCompleted")?["reason"] == "DeleteWorkflowSuspended" })
            try await platform.kubectl(["delete", "configmap", "workflow-suspend-promise-delete-gate", "-n", system])
            try await platform.kubectl(["label", "promise", "workflow-suspend", "kratix.io/workflow-suspended-"])
            #expect(await platform.eventually(timeout: .seconds(60)) { await promise() == nil })
            await platform.reportFailedPods(namespace: "default")
            await platform.reportFailedPods(namespace: system)
        }
    }
}
