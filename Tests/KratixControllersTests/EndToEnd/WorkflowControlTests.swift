import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2, `workflow_control_test.go` (assets `workflow-control/`): a promise
/// pipeline that writes `/kratix/metadata/workflow-control.yaml` with `retryAfter` is Suspended and
/// retried on its interval, later pipelines wait, and the workflow finishes once its gate exists.
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
            #expect(await platform.eventually(timeout: .seconds(60)) {
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
}
