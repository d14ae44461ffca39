import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 `promise_features_test.go` (assets `promise-features/`):
/// `workflows.config.pipelineNamespace` moves the promise and resource Jobs, Works and
/// WorkPlacements into that namespace; the delete pipeline works on a Secret in its own namespace.
@Suite(.serialized) struct PromiseFeaturesTests {
    static let assets = "kratix/system/assets/promise-features"
    static let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "namespacepromises")

    @Test func pipelineNamespaceHoldsTheWorkflowsAndTheirWork() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.createNamespace("kube-public")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/namespaced-workflow-promise.yaml")
            let promiseName = "namespaced-promise"
            func promise() async -> KubeObject? { await platform.get(Promise.groupVersionResource, promiseName) }
            let promiseDone = await platform.eventually {
                let current = await promise()
                return current?.condition("ConfigureWorkflowCompleted")?["status"] == "True" && current?.condition("WorksSucceeded")?["status"] == "True"
                    && current?[at: ["status", "status"]] == "Available"
            }
            await platform.reportFailedPods(namespace: "kube-public")
            let summary = await promise()?.conditionSummary ?? []
            #expect(promiseDone, "\(summary)")

            // The promise workflow ran in kube-public, not in the system namespace.
            let promiseJobs = try await platform.list(.jobs, namespace: "kube-public", labels: "kratix.io/promise-name=\(promiseName),kratix.io/workflow-type=promise")
            #expect(promiseJobs.count == 1)
            let promiseJob = try #require(promiseJobs.first)
            #expect(promiseJob.name?.hasPrefix("kratix-\(promiseName)-promise-configure") == true, "\(promiseJob.name ?? "")")
            #expect(promiseJob.labels["kratix.io/workflow-action"] == "configure")
            #expect(promiseJob.labels["kratix.io/pipeline-name"] == "promise-configure")
            #expect(try await platform.list(.jobs, namespace: KratixGroup.systemNamespace, labels: "kratix.io/promise-name=\(promiseName)").isEmpty)
            let promiseWorks = try await platform.list(Work.groupVersionResource, namespace: "kube-public", labels: "kratix.io/promise-name=\(promiseName)")
            #expect(promiseWorks.count == 1)
            #expect(promiseWorks.first?.labels["kratix.io/work-type"] == "promise")
            #expect(try await platform.list(Work.groupVersionResource, namespace: KratixGroup.systemNamespace, labels: "kratix.io/promise-name=\(promiseName)").isEmpty)

            // The request's workflow, Work and WorkPlacement are in kube-public too.
            try await platform.apply(fixture: "\(Self.assets)/namespaced-workflow-resource-request.yaml")
            let reconciled = await platform.eventually {
                await platform.get(Self.requests, "test-request", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            }
            await platform.reportFailedPods(namespace: "kube-public")
            #expect(reconciled)
            let request = await platform.get(Self.requests, "test-request", namespace: "default")
            #expect(request?.condition("ConfigureWorkflowCompleted")?["status"] == "True")
            #expect(request?.condition("WorksSucceeded")?["status"] == "True")
            let resourceJobs = try await platform.list(.jobs, namespace: "kube-public", labels: "kratix.io/promise-name=\(promiseName),kratix.io/workflow-type=resource")
            #expect(resourceJobs.count == 1)
            #expect(resourceJobs.first?.name?.hasPrefix("kratix-\(promiseName)-test-request-default-resource") == true, "\(resourceJobs.first?.name ?? "")")
            #expect(resourceJobs.first?.labels["kratix.io/workflow-action"] == "configure")
            #expect(try await platform.list(.jobs, namespace: "default").isEmpty, "nothing runs in the request's namespace")
            let resourceWorks = try await platform.list(Work.groupVersionResource, namespace: "kube-public",
                                                        labels: "kratix.io/promise-name=\(promiseName),kratix.io/work-type=resource")
            #expect(resourceWorks.count == 1)
            #expect(resourceWorks.first?.labels["kratix.io/resource-name"] == "test-request")
            #expect(try await platform.list(Work.groupVersionResource, namespace: "default").isEmpty)
            #expect(await platform.eventually {
                try await platform.list(WorkPlacement.groupVersionResource, namespace: "kube-public").count == 2
            })
            // The path names the WorkPlacement's namespace (scheduling spec §7.2), so kube-public here.
            let delivered = await platform.eventually {
                try await repository.files().contains { $0.hasPrefix("worker-1/resources/kube-public/\(promiseName)/test-request/resource-configure/") }
            }
            let files = try await repository.files()
            #expect(delivered, "\(files)")
            // The pipeline wrote its Secret with the permissions the Promise grants in kube-public.
            #expect(await platform.get(.secrets, "promise-test", namespace: "kube-public") != nil)

            // Deleting the request runs the delete pipeline in kube-public (it deletes that Secret) and removes the Work.
            try await platform.kubectl(["delete", "namespacepromise", "test-request", "-n", "default", "--wait=false"])
            let deleted = await platform.eventually {
                let gone = await platform.get(Self.requests, "test-request", namespace: "default") == nil
                let works = try await platform.list(Work.groupVersionResource, namespace: "kube-public", labels: "kratix.io/work-type=resource")
                return gone && works.isEmpty
            }
            await platform.reportFailedPods(namespace: "kube-public")
            #expect(deleted)
            #expect(await platform.get(.secrets, "promise-test", namespace: "kube-public") == nil)

            // Deleting the Promise removes its Jobs and Works from kube-public.
            try await platform.kubectl(["delete", "promise", promiseName, "--wait=false"])
            #expect(await platform.eventually {
                let gone = await promise() == nil
                let jobs = try await platform.list(.jobs, namespace: "kube-public", labels: "kratix.io/promise-name=\(promiseName)")
                let works = try await platform.list(Work.groupVersionResource, namespace: "kube-public")
                return gone && jobs.isEmpty && works.isEmpty
            })
        }
    }
}
