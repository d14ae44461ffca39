import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

/// The engine against the embedded API server (TLS, the real client): the core fixture's request
/// goes through both its pipelines, Job by Job.
@Suite struct WorkflowEngineTests {
    static let selectorForRequest = "kratix.io/promise-name=testbundle,kratix.io/resource-name=kratix-test"

    func runs(_ promise: Promise, _ request: KubeObject, action: WorkflowAction = .configure) throws -> [PipelineResources] {
        try PipelineResources.build(for: PipelineRun.all(promise: promise, workflowType: .resource, action: action, object: request,
                                                         configuration: KratixConfiguration()))
    }

    /// One controller pass: engine, then the status write it asks for. Returns the outcome.
    func pass(_ engine: WorkflowEngine, _ cluster: WorkflowCluster, _ promise: Promise) async throws -> WorkflowEngine.Outcome {
        let request = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
        let outcome = try await engine.reconcileConfigure(object: request, resource: WorkflowCluster.testBundles,
                                                          pipelines: runs(promise, request), numberOfJobsToKeep: 5)
        _ = try await engine.writeStatus(outcome, resource: WorkflowCluster.testBundles)
        return outcome
    }

    @Test func coreRequestRunsBothPipelines() async throws {
        try await WorkflowCluster.with { cluster in
            let (promise, _) = try await cluster.createCoreFixture()
            let recorder = EventRecorder(client: cluster.client, component: "ResourceRequestController")
            let engine = WorkflowEngine(client: cluster.client, events: recorder)

            // A Work of a pipeline the Promise no longer has, to be cleaned up on completion.
            var stale = Work(name: "stale-work", namespace: "default", spec: WorkSpec(promiseName: "testbundle", resourceName: "kratix-test"))
            stale.metadata.labels = ["kratix.io/work-type": "resource", "kratix.io/promise-name": "testbundle",
                                     "kratix.io/resource-name": "kratix-test", "kratix.io/pipeline-name": "removed"]
            _ = try await cluster.client.api(Work.self, namespace: "default").create(stale)

            // First pass: the counters are initialised.
            #expect(try await pass(engine, cluster, promise).decision == .recordProgress)
            // Second pass: pipeline 0 starts.
            let started = try await pass(engine, cluster, promise)
            #expect(started.decision == .startPipeline(index: 0))
            #expect(started.action == .done)
            #expect(started.warnings.isEmpty, "\(started.warnings)")
            var jobs = try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest)
            #expect(jobs.count == 1)
            let job0 = try #require(jobs.first)
            let request = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            try expectCoreJobLayout(job0, pipeline: "resource-pipeline0", last: false, request: request, promise: promise)

            // Its supporting objects exist.
            let sa = try await cluster.client.get(.serviceAccounts, name: "testbundle-resource-configure-resource-pipeline0", namespace: "default")
            #expect(sa.labels[KratixLabels.promiseName] == "testbundle")
            _ = try await cluster.client.get(.roles, name: "testbundle-resource-configure-resource-pipeline0", namespace: "default")
            _ = try await cluster.client.get(.roleBindings, name: "testbundle-resource-configure-resource-pipeline0", namespace: "default")
            let configMap = try await cluster.client.get(.configMaps, name: "destination-selectors-testbundle", namespace: "default")
            #expect(configMap.json["data"]?["destinationSelectors"] == "- matchlabels:\n    environment: dev\n  source: promise\n")

            let events = try await cluster.client.list(.events, namespace: "default").items
            #expect(events.contains { $0.json["reason"] == "PipelineStarted" && $0.json["message"] == "Configure Pipeline started: resource-pipeline0" })

            // The status says it is running.
            let status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
            #expect(status.message == "Pending")
            #expect(status.phase(of: "resource-pipeline0") == "Running")
            #expect(status.condition("ConfigureWorkflowCompleted")?.reason == "PipelinesInProgress")
            #expect(status.counter("workflowsSucceeded") == 0)

            // While it runs, passes wait and create nothing.
            #expect(try await pass(engine, cluster, promise).decision == .waitForJob(job0.name ?? ""))
            #expect(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest).count == 1)

            // Pipeline 0 completes: progress, then pipeline 1.
            try await cluster.finish(job0, succeeded: true)
            #expect(try await pass(engine, cluster, promise).decision == .recordProgress)
            #expect(try await pass(engine, cluster, promise).decision == .startPipeline(index: 1))
            jobs = try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest + ",kratix.io/pipeline-name=resource-pipeline1")
            let job1 = try #require(jobs.first)
            try expectCoreJobLayout(job1, pipeline: "resource-pipeline1", last: true, request: request, promise: promise)

            // Pipeline 1 completes: the workflow is done, and done stays done.
            try await cluster.finish(job1, succeeded: true)
            #expect(try await pass(engine, cluster, promise).decision == .recordProgress)
            let done = try await pass(engine, cluster, promise)
            #expect(done.decision == .completed)
            #expect(done.state == .completed)
            #expect(try await pass(engine, cluster, promise).decision == .completed)
            #expect(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest).count == 2)
            #expect(try await cluster.client.api(Work.self, namespace: "default").list().items.isEmpty)
            let final = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            let finalStatus = WorkflowStatusDocument(final.status, conditionStyle: .clusterAPI)
            #expect(finalStatus.counter("workflowsSucceeded") == 2)
            #expect(finalStatus.phase(of: "resource-pipeline0") == "Succeeded")
            #expect(finalStatus.phase(of: "resource-pipeline1") == "Succeeded")

            // Manual reconciliation: back to pipeline 0 in one pass, label removed.
            var labelled = final
            labelled.labels[KratixLabels.manualReconciliation] = "true"
            _ = try await cluster.client.update(WorkflowCluster.testBundles, labelled)
            let rerun = try await pass(engine, cluster, promise)
            #expect(rerun.decision == .startPipeline(index: 0))
            let after = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            #expect(after.labels[KratixLabels.manualReconciliation] == nil)
            #expect(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest + ",kratix.io/pipeline-name=resource-pipeline0").count == 2)
            #expect(WorkflowStatusDocument(after.status, conditionStyle: .clusterAPI).counter("workflowsSucceeded") == 0)
        }
    }

    @Test func failedPipelineStopsTheWorkflowAndOldJobsArePruned() async throws {
        try await WorkflowCluster.with { cluster in
            let (promise, _) = try await cluster.createCoreFixture()
            let engine = WorkflowEngine(client: cluster.client, pauseAfterStart: .zero)
            _ = try await pass(engine, cluster, promise)
            _ = try await pass(engine, cluster, promise)
            let job0 = try #require(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest).first)
            try await cluster.finish(job0, succeeded: false)
            let failed = try await pass(engine, cluster, promise)
            #expect(failed.decision == .failed(pipeline: "resource-pipeline0", reason: "ConfigureWorkflowFailed"))
            let request = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            let status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
            #expect(status.counter("workflowsFailed") == 1)
            #expect(status.condition("ConfigureWorkflowCompleted")?.message == "A Configure Pipeline has failed: resource-pipeline0")
            #expect(status.phase(of: "resource-pipeline0") == "Failed")
            // Nothing re-runs it by itself.
            #expect(try await pass(engine, cluster, promise).decision == .failed(pipeline: "resource-pipeline0", reason: "ConfigureWorkflowFailed"))
            #expect(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest).count == 1)

            // Extra failed Jobs of the pipeline beyond the limit go, oldest first.
            for i in 0..<3 {
                var extra = job0
                extra.name = "old-\(i)"
                var metadata = extra.json["metadata"]!.objectValue!
                for key in ["uid", "resourceVersion", "creationTimestamp", "ownerReferences"] { metadata[key] = nil }
                extra.json["metadata"] = .object(metadata)
                extra.status = nil
                let created = try await cluster.client.create(.jobs, extra, namespace: "default")
                try await cluster.finish(created, succeeded: false)
            }
            let request2 = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            let pruned = try await engine.reconcileConfigure(object: request2, resource: WorkflowCluster.testBundles,
                                                             pipelines: runs(promise, request2), numberOfJobsToKeep: 2)
            #expect(pruned.plan.jobsToDelete.count == 2)
            #expect(try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest).count == 2)
        }
    }

    @Test func staleUserPermissionsGoAndUserServiceAccountsStay() async throws {
        try await WorkflowCluster.with { cluster in
            let (promise, _) = try await cluster.createCoreFixture()
            // A ServiceAccount of the pipeline's name that Kratix did not make.
            var account = KubeObject(apiVersion: "v1", kind: "ServiceAccount", name: "testbundle-resource-configure-resource-pipeline0",
                                     namespace: "default")
            account.annotations = ["owner": "someone"]
            _ = try await cluster.client.create(.serviceAccounts, account, namespace: "default")
            // A user-permission Role of an older version of the pipeline.
            var role = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", name: "old-permissions", namespace: "default")
            role.labels = ["kratix.io/promise-name": "testbundle", "kratix.io/pipeline-name": "resource-pipeline0",
                           "kratix.io/pipeline-namespace": "default"]
            role.json["rules"] = [["apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]]]
            _ = try await cluster.client.create(.roles, role, namespace: "default")

            let engine = WorkflowEngine(client: cluster.client, pauseAfterStart: .zero)
            _ = try await pass(engine, cluster, promise)
            #expect(try await pass(engine, cluster, promise).decision == .startPipeline(index: 0))
            await #expect(throws: ClientError.self) {
                try await cluster.client.get(.roles, name: "old-permissions", namespace: "default")
            }
            let kept = try await cluster.client.get(.serviceAccounts, name: "testbundle-resource-configure-resource-pipeline0", namespace: "default")
            #expect(kept.labels[KratixLabels.promiseName] == nil)
            #expect(kept.annotations["owner"] == "someone")
        }
    }

    @Test func deleteWorkflowRunsItsPipelineOnce() async throws {
        try await WorkflowCluster.with { cluster in
            let (stored, request) = try await cluster.createCoreFixture()
            var promise = stored
            let firstConfigure = promise.spec.workflows?.resource?.configure?.first ?? .null
            promise.spec.workflows?.resource?.delete = [firstConfigure]
            let engine = WorkflowEngine(client: cluster.client, pauseAfterStart: .zero)
            let pipelines = try runs(promise, request, action: .delete)
            let started = try await engine.reconcileDelete(object: request, resource: WorkflowCluster.testBundles, pipelines: pipelines)
            #expect(started.decision == .startPipeline(index: 0))
            #expect(started.action == .requeueAfter(.seconds(15)))
            _ = try await engine.writeStatus(started, resource: WorkflowCluster.testBundles)
            let jobs = try await cluster.jobs(namespace: "default", selector: Self.selectorForRequest + ",kratix.io/workflow-action=delete")
            #expect(jobs.count == 1)
            let pod = jobs[0][wf: "spec", "template", "spec"]
            #expect(pod?["initContainers"]?.wfNames == ["reader", "pipeline0"])

            let current = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            #expect(try await engine.reconcileDelete(object: current, resource: WorkflowCluster.testBundles,
                                                     pipelines: try runs(promise, current, action: .delete)).decision == .waitForJob(jobs[0].name ?? ""))
            try await cluster.finish(jobs[0], succeeded: true)
            let done = try await engine.reconcileDelete(object: current, resource: WorkflowCluster.testBundles,
                                                        pipelines: try runs(promise, current, action: .delete))
            #expect(done.decision == .completed)
            #expect(WorkflowEngine.deleteFailure(done) == nil)
        }
    }

    @Test func configurationIsReadFromTheConfigMap() async throws {
        try await WorkflowCluster.with { cluster in
            let missing = try await KratixConfiguration.load(client: cluster.client, environment: ["PIPELINE_ADAPTER_IMG": "a:1"])
            #expect(missing.workflows.defaultContainerSecurityContext == nil)
            #expect(missing.pipelineAdapter.image == "a:1")
            var configMap = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "kratix", namespace: "kratix-platform-system")
            configMap.json["data"] = ["config": "numberOfJobsToKeep: 3\nworkflows:\n  jobOptions:\n    defaultBackoffLimit: 2\n"]
            _ = try await cluster.client.create(.configMaps, configMap, namespace: "kratix-platform-system")
            let loaded = try await KratixConfiguration.load(client: cluster.client, environment: [:])
            #expect(loaded.numberOfJobsToKeep == 3)
            #expect(loaded.workflows.defaultBackoffLimit == 2)
            #expect(loaded.workflows.defaultContainerSecurityContext == .object([:]))
        }
    }

    /// The stored Job against §4.6: labels, service account, container order, mounts and env.
    func expectCoreJobLayout(_ job: KubeObject, pipeline: String, last: Bool, request: KubeObject, promise: Promise) throws {
        let hash = KratixHash.resourceWorkflowHash(promise: try promise.toJSON(), request: request.value)
        #expect(job.namespace == "default")
        #expect(job.name?.hasPrefix("kratix-testbundle-kratix-test-\(pipeline)-") == true)
        let labels = [
            "kratix.io/promise-name": "testbundle", "kratix.io/workflow-type": "resource", "kratix.io/workflow-action": "configure",
            "kratix.io/pipeline-name": pipeline, "app.kubernetes.io/managed-by": "Kratix", "kratix.io/hash": hash,
            "kratix.io/resource-name": "kratix-test",
        ]
        #expect(job.labels == labels)
        // The pipeline's labels, beside the Job's own (`job-name`, `controller-uid`) the server adds as a real one does.
        var templateLabels = job[wf: "spec", "template", "metadata", "labels"]?.objectValue ?? [:]
        #expect(templateLabels["batch.kubernetes.io/job-name"]?.stringValue == job.name)
        for key in ["batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"] { templateLabels[key] = nil }
        #expect(JSONValue.object(templateLabels) == PipelineObjectBuilder.labels(labels))
        #expect(job[wf: "metadata", "ownerReferences", 0, "uid"] == request.json["metadata"]?["uid"])
        let pod = try #require(job[wf: "spec", "template", "spec"])
        #expect(pod["serviceAccountName"] == .string("testbundle-resource-configure-\(pipeline)"))
        #expect(pod["restartPolicy"] == "OnFailure")
        let user = pipeline == "resource-pipeline0" ? "pipeline0" : "pipeline1"
        #expect(pod["initContainers"]?.wfNames == ["reader", user, "work-writer"])
        #expect(pod["containers"]?.wfNames == ["status-writer"])
        #expect(pod["volumes"]?.wfNames == ["promise-scheduling", "shared-input", "shared-output", "shared-metadata"])
        func mounts(_ c: JSONValue?) -> [String] {
            (c?["volumeMounts"]?.arrayValue ?? []).map { "\($0["name"]?.stringValue ?? "")@\($0["mountPath"]?.stringValue ?? "")" }
        }
        let inits = pod["initContainers"]?.arrayValue ?? []
        #expect(mounts(inits[0]) == ["shared-input@/kratix/input", "shared-output@/kratix/output"])
        #expect(mounts(inits[1]) == ["shared-input@/kratix/input", "shared-output@/kratix/output", "shared-metadata@/kratix/metadata"])
        #expect(inits[1]["volumeMounts"]?[wf: 0]?["readOnly"] == true)
        #expect(mounts(inits[2]) == ["shared-output@/work-creator-files/input", "shared-metadata@/work-creator-files/metadata",
                                     "promise-scheduling@/work-creator-files/kratix-system"])
        #expect(mounts(pod["containers"]?[wf: 0]) == ["shared-metadata@/work-creator-files/metadata"])
        #expect(inits[0]["env"]?.wfNames == PipelineResourcesTests.standardEnvNames)
        #expect(inits[1]["env"]?.wfNames == PipelineResourcesTests.standardEnvNames)
        #expect(pod["containers"]?[wf: 0]?["env"]?.wfNames == ["IS_LAST_PIPELINE"] + PipelineResourcesTests.standardEnvNames)
        #expect(pod["containers"]?[wf: 0]?["env"]?[wf: 0]?["value"] == .string(last ? "true" : "false"))
    }
}
