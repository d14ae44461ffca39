import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 `reconcile_after_failure_test.go` (assets
/// `reconcile-after-failure/`): with `reconcileAfterFailure` at its default and a 10 s
/// reconciliation interval, failed configure workflows re-run on the interval, failed Jobs are
/// pruned, a running retry is left alone, and the workflow succeeds once its gate exists; with it
/// off, only the manual label or a Promise change re-runs a failure.
@Suite(.serialized) struct ReconcileAfterFailureTests {
    static let assets = "kratix/system/assets/reconcile-after-failure"
    static let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "reconcilables")

    func jobs(_ platform: PlatformHarness, namespace: String, pipeline: String) async throws -> [KubeObject] {
        try await platform.list(.jobs, namespace: namespace, labels: "kratix.io/pipeline-name=\(pipeline)")
    }

    func failed(_ job: KubeObject) -> Bool { (job[at: ["status", "failed"]]?.intValue ?? 0) > 0 }
    func succeeded(_ job: KubeObject) -> Bool { (job[at: ["status", "succeeded"]]?.intValue ?? 0) > 0 }

    func request(_ platform: PlatformHarness) async -> KubeObject? {
        await platform.get(Self.requests, "example", namespace: "default")
    }

    /// Installs the `reconcilable` Promise and waits for its CRD.
    func installPromise(_ platform: PlatformHarness) async throws {
        try await platform.apply(fixture: "\(Self.assets)/promise.yaml")
        #expect(await platform.eventually { await platform.get(Promise.groupVersionResource, "reconcilable")?[at: ["status", "status"]] == "Available" })
    }

    @Test func failedResourceWorkflowsRetryOnTheIntervalAndArePruned() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.apply(fixture: "\(Self.assets)/kratix-config-retry.yaml")
            try await platform.startManager()
            try await installPromise(platform)
            try await platform.apply(fixture: "\(Self.assets)/resource-request.yaml")

            // The first run fails.
            #expect(await platform.eventually {
                await request(platform)?.condition("ConfigureWorkflowCompleted")?["reason"] == "ConfigureWorkflowFailed"
            })
            // It re-runs on the interval; failed Jobs are pruned to numberOfJobsToKeep (2) plus the one in flight.
            var seen = Set<String>()
            var mostAtOnce = 0
            let retried = await platform.eventually(timeout: .seconds(150)) {
                let current = try await jobs(platform, namespace: "default", pipeline: "resource-configure")
                seen.formUnion(current.compactMap(\.name))
                mostAtOnce = max(mostAtOnce, current.count)
                return seen.count >= 4
            }
            #expect(retried, "at least three retries after the first failure: \(seen.sorted())")
            #expect(mostAtOnce <= 3, "failed Jobs are pruned to numberOfJobsToKeep + 1: \(mostAtOnce)")
            #expect(await platform.eventually(timeout: .seconds(20)) {
                try await jobs(platform, namespace: "default", pipeline: "resource-configure").count <= 3
            })

            // Once the gate exists the next run succeeds.
            try await platform.kubectl(["create", "configmap", "reconcile-after-failure-gate", "-n", "default"])
            #expect(await platform.eventually(timeout: .seconds(60)) {
                await request(platform)?.condition("Reconciled")?["status"] == "True"
            })
            #expect(await request(platform)?.condition("ConfigureWorkflowCompleted")?["status"] == "True")

            // Successful workflows keep re-running every interval.
            let successes = try await jobs(platform, namespace: "default", pipeline: "resource-configure").filter(succeeded).compactMap(\.name)
            #expect(await platform.eventually(timeout: .seconds(40)) {
                let now = try await jobs(platform, namespace: "default", pipeline: "resource-configure").filter(succeeded).compactMap(\.name)
                return !Set(now).subtracting(successes).isEmpty
            }, "a successful workflow runs again on the interval")
        }
    }

    @Test func aRunningPromiseRetryIsNotRestarted() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            let system = KratixGroup.systemNamespace
            try await platform.apply(fixture: "\(Self.assets)/kratix-config-retry.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/promise-workflow.yaml")
            func promise() async -> KubeObject? { await platform.get(Promise.groupVersionResource, "reconcilable-promise-wf") }
            #expect(await platform.eventually {
                await promise()?.condition("ConfigureWorkflowCompleted")?["reason"] == "ConfigureWorkflowFailed"
            })
            // A request made meanwhile says why it waits, instead of having no status at all.
            let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "reconcilablepromises")
            try await platform.kubectl(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: ReconcilablePromise\nmetadata: {name: waiting, namespace: default}\n")
            #expect(await platform.eventually {
                let waiting = await platform.get(requests, "waiting", namespace: "default")
                return waiting?.condition("PromiseAvailable")?["reason"] == "PromiseConfigureWorkflowFailed" && waiting?[at: ["status", "message"]] == "Pending"
            }, "the request of a Promise whose workflow failed says why it waits")

            // A retry that holds for 20 s outlives the 10 s interval: it is neither replaced nor suspended.
            try await platform.kubectl(["create", "configmap", "reconcile-after-failure-promise-hold", "-n", system])
            var running: KubeObject?
            #expect(await platform.eventually(timeout: .seconds(40)) {
                running = try await jobs(platform, namespace: system, pipeline: "promise-configure").first {
                    !failed($0) && !succeeded($0)
                }
                return running != nil
            })
            let runningName = running?.name ?? ""
            try await platform.kubectl(["create", "configmap", "reconcile-after-failure-promise-gate", "-n", system])
            let interference = try await platform.changes(to: .jobs, namespace: system, during: .seconds(12)) { event in
                event.type == .added && event.object.name != runningName
                    || event.object.name == runningName && event.object[at: ["spec", "suspend"]] == true
            }
            #expect(interference.isEmpty, "the running retry is left alone and no second run starts: \(PlatformHarness.describe(interference))")
            let during = try await jobs(platform, namespace: system, pipeline: "promise-configure")
            let held = during.first { $0.name == runningName }
            #expect(held != nil && held?[at: ["spec", "suspend"]] != true, "the running retry is left alone")
            #expect(!during.contains { !failed($0) && !succeeded($0) && $0.name != runningName }, "no second run starts beside it")

            // It finishes, sees the gate and succeeds.
            #expect(await platform.eventually(timeout: .seconds(60)) {
                let current = await promise()
                return current?.condition("ConfigureWorkflowCompleted")?["status"] == "True" && current?[at: ["status", "status"]] == "Available"
            })
            #expect(await platform.eventually {
                await platform.get(requests, "waiting", namespace: "default")?.condition("PromiseAvailable")?["status"] == "True"
            }, "the waiting request goes on once the Promise's workflow succeeded")
            let finished = try await jobs(platform, namespace: system, pipeline: "promise-configure").first { $0.name == runningName }
            #expect(finished.map(succeeded) == true, "the held run is the one that succeeded")
            await platform.reportFailedPods(namespace: "default")
        }
    }

    @Test func withoutReconcileAfterFailureOnlyTheManualLabelOrAPromiseChangeRetries() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.apply(fixture: "\(Self.assets)/kratix-config-no-retry.yaml")
            try await platform.startManager()
            try await installPromise(platform)
            try await platform.apply(fixture: "\(Self.assets)/resource-request.yaml")
            #expect(await platform.eventually {
                await request(platform)?.condition("ConfigureWorkflowCompleted")?["reason"] == "ConfigureWorkflowFailed"
            })
            // Two intervals pass: no retry.
            let retries = try await platform.changes(to: .jobs, namespace: "default", during: .seconds(22)) { $0.type == .added }
            #expect(retries.isEmpty, "no retry: \(PlatformHarness.describe(retries))")
            #expect(try await jobs(platform, namespace: "default", pipeline: "resource-configure").count == 1)

            // The manual-reconciliation label re-runs it (and is cleared).
            try await platform.kubectl(["label", "reconcilable", "example", "-n", "default", "kratix.io/manual-reconciliation=true"])
            #expect(await platform.eventually(timeout: .seconds(30)) {
                let count = try await jobs(platform, namespace: "default", pipeline: "resource-configure").count
                let label = await request(platform)?.labels["kratix.io/manual-reconciliation"]
                return count == 2 && label == nil
            })
            #expect(await platform.eventually {
                try await jobs(platform, namespace: "default", pipeline: "resource-configure").allSatisfy(failed)
            })

            // A Promise spec change re-runs it too; with the gate there, it succeeds.
            try await platform.kubectl(["create", "configmap", "reconcile-after-failure-gate", "-n", "default"])
            try await platform.kubectl(["patch", "promise", "reconcilable", "--type=json", "-p",
                                        #"[{"op":"add","path":"/spec/workflows/resource/configure/0/spec/containers/0/env","value":[{"name":"CHANGED","value":"yes"}]}]"#])
            let reconciled = await platform.eventually(timeout: .seconds(60)) {
                await request(platform)?.condition("Reconciled")?["status"] == "True"
            }
            let final = await request(platform)
            let finalJobs = try await jobs(platform, namespace: "default", pipeline: "resource-configure")
            #expect(reconciled, "\(final?.conditionSummary ?? []) \(final?.labels ?? [:]) \(finalJobs.map { "\($0.name ?? "") succeeded=\(succeeded($0)) failed=\(failed($0))" })")
            #expect(finalJobs.contains(where: succeeded))
        }
    }
}
