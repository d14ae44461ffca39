import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.1 ("should deliver xaas to users"), with the upstream fixtures in
/// `kratix/core/assets`: the Promise, its request, both Destinations on the `default`
/// BucketStateStore (moto), the stand-in pipeline image, and `kubectl` as the user's tool.
@Suite(.serialized) struct CoreScenarioTests {
    static let testBundles = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "testbundles")
    static let root = "5058f"  // md5("/")[0..<5]: the root workload group

    static func shortID(_ directory: String) -> String { String(KratixHash.md5Hex(directory).prefix(5)) }

    /// Bucket store `default` on moto plus Destinations `worker-1` (from the environment upstream
    /// assumes) and `worker-2` (the fixture), labelled `target=<name>` as the suite does.
    func setUpDestinations(_ platform: PlatformHarness, _ moto: MotoServer) async throws {
        try await platform.bucketStore(on: moto)
        try await platform.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata:
              name: worker-1
              labels: {environment: dev}
            spec:
              path: worker-1
              stateStoreRef: {kind: BucketStateStore, name: default}
            """)
        try await platform.apply(fixture: "kratix/core/assets/destination.yaml")
        try await platform.kubectl(["label", "destination", "worker-1", "target=worker-1"])
        try await platform.kubectl(["label", "destination", "worker-2", "target=worker-2"])
    }

    @Test func deliversXaaSToUsers() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-core-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let moto = try await MotoServer.start(in: scratch)
        defer { Task { await moto.stop() } }
        try await PlatformHarness.with { platform in
            try await setUpDestinations(platform, moto)
            try await platform.startManager()
            #expect(await platform.eventually {
                await platform.get(Destination.groupVersionResource, "worker-2")?.condition("Ready")?["status"] == "True"
            }, "worker-2 becomes Ready")

            // 1–2. The Promise's CRD exists and its promise.configure pipeline runs in the system namespace.
            try await platform.apply(fixture: "kratix/core/assets/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "testbundles.test.kratix.io") != nil })
            let promiseJobs = "kratix.io/promise-name=testbundle,kratix.io/workflow-type=promise"
            #expect(await platform.eventually {
                try await platform.list(.jobs, namespace: KratixGroup.systemNamespace, labels: promiseJobs)
                    .contains { $0.labels["kratix.io/pipeline-name"] == "setup-deps" }
            })

            // 7. Promise status.
            #expect(await platform.eventually {
                let promise = await platform.get(Promise.groupVersionResource, "testbundle")
                return promise?[at: ["status", "status"]] == "Available" && promise?.condition("Reconciled")?["status"] == "True"
            }, "the Promise becomes Available and Reconciled")
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
            let promise = try #require(await platform.get(Promise.groupVersionResource, "testbundle"))
            for type in ["ConfigureWorkflowCompleted", "Reconciled", "WorksSucceeded"] {
                #expect(promise.condition(type)?["status"] == "True", "\(type): \(promise.conditionSummary)")
            }
            #expect(promise[at: ["status", "workflows"]] == 1)
            #expect(promise[at: ["status", "workflowsSucceeded"]] == 1)
            #expect(promise[at: ["status", "workflowsFailed"]] == 0)
            let promisePipelines = promise[at: ["status", "kratix", "workflows", "pipelines"]]?.arrayValue ?? []
            #expect(promisePipelines.map { $0["name"]?.stringValue } == ["setup-deps"])
            #expect(promisePipelines.first?["phase"] == "Succeeded")
            #expect(promisePipelines.first?["lastTransitionTime"]?.stringValue?.hasPrefix("20") == true)

            // 3–5. Exactly one promise Work, placed on both workers, with exactly upstream's conditions.
            let promiseWorks = try await platform.list(Work.groupVersionResource, labels: "kratix.io/promise-name=testbundle,kratix.io/work-type=promise")
            #expect(promiseWorks.count == 1)
            let promiseWork = try #require(promiseWorks.first)
            #expect(await platform.eventually {
                let work = await platform.get(Work.groupVersionResource, promiseWork.name ?? "", namespace: promiseWork.namespace)
                return work?.condition("Ready")?["status"] == "True"
            })
            let readyWork = try #require(await platform.get(Work.groupVersionResource, promiseWork.name ?? "", namespace: promiseWork.namespace))
            #expect(readyWork.conditionSummary == [
                "Ready/True/AllWorkplacementsScheduled/Ready",
                "ScheduleSucceeded/True/AllWorkplacementsScheduled/All workplacements scheduled successfully",
            ])
            // A Work is Ready once its placements are scheduled; their writes follow.
            let written = [
                "Ready/True/WorkloadsWrittenToTargetDestination/Ready",
                "ScheduleSucceeded/True/ScheduledToDestination/Scheduled to correct Destination",
                "WriteSucceeded/True/WorkloadsWrittenToStateStore/Workloads written to State Store",
            ]
            _ = await platform.eventually {
                try await platform.list(WorkPlacement.groupVersionResource, namespace: promiseWork.namespace,
                                        labels: "kratix.io/work=\(promiseWork.name ?? "")").allSatisfy { $0.conditionSummary == written }
            }
            let promisePlacements = try await platform.list(WorkPlacement.groupVersionResource, namespace: promiseWork.namespace,
                                                            labels: "kratix.io/work=\(promiseWork.name ?? "")")
            #expect(Set(promisePlacements.compactMap { $0[at: ["spec", "targetDestinationName"]]?.stringValue }) == ["worker-1", "worker-2"])
            for placement in promisePlacements {
                #expect(placement.conditionSummary == [
                    "Ready/True/WorkloadsWrittenToTargetDestination/Ready",
                    "ScheduleSucceeded/True/ScheduledToDestination/Scheduled to correct Destination",
                    "WriteSucceeded/True/WorkloadsWrittenToStateStore/Workloads written to State Store",
                ], "\(placement.name ?? "")")
            }

            // 6. The dependencies are in the bucket for both workers.
            var files = try await moto.contents()
            for worker in ["worker-1", "worker-2"] {
                let dir = "\(worker)/dependencies/testbundle/setup-deps/\(Self.root)"
                #expect(files["\(dir)/namespace.yaml"]?.contains("name: testbundle-ns") == true, "\(files.keys.sorted())")
                #expect(files["\(dir)/configmap.yaml"]?.contains("name: testbundle-cm") == true)
                #expect(files["\(dir)/configmap.yaml"]?.contains("promiseEnv: \"undefined\"") == true)
            }

            // 8. A request: both pipelines run, the second reads the first one's status.
            try await platform.apply(fixture: "kratix/core/assets/example-resource.yaml")
            #expect(await platform.eventually {
                await platform.get(Self.testBundles, "kratix-test", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            }, "the request is Reconciled")
            await platform.reportFailedPods(namespace: "default")
            let request = try #require(await platform.get(Self.testBundles, "kratix-test", namespace: "default"))
            #expect(request[at: ["status", "stage"]] == "two")
            #expect(request[at: ["status", "completed"]] == true)
            #expect(request[at: ["status", "observedGeneration"]] == request[at: ["metadata", "generation"]])
            #expect(request[at: ["status", "workflows"]] == 2)
            #expect(request[at: ["status", "workflowsSucceeded"]] == 2)
            #expect(request[at: ["status", "workflowsFailed"]] == 0)
            let pipelines = request[at: ["status", "kratix", "workflows", "pipelines"]]?.arrayValue ?? []
            #expect(pipelines.map { $0["name"]?.stringValue } == ["resource-pipeline0", "resource-pipeline1"])
            #expect(pipelines.allSatisfy { $0["phase"] == "Succeeded" }, "\(pipelines)")
            #expect(request.condition("ConfigureWorkflowCompleted")?["lastTransitionTime"]
                    == request[at: ["status", "kratix", "workflows", "lastSuccessfulConfigureWorkflowTime"]])
            #expect(request.condition("WorksSucceeded")?["status"] == "True", "\(request.conditionSummary)")

            // 9. One Work per pipeline: pipeline0's two directory groups go to one worker each.
            let resourceWorks = try await platform.list(Work.groupVersionResource, namespace: "default",
                                                        labels: "kratix.io/promise-name=testbundle,kratix.io/resource-name=kratix-test")
            #expect(resourceWorks.count == 2)
            let work0 = try #require(resourceWorks.first { $0.labels["kratix.io/pipeline-name"] == "resource-pipeline0" })
            let work1 = try #require(resourceWorks.first { $0.labels["kratix.io/pipeline-name"] == "resource-pipeline1" })
            #expect(work0[at: ["spec", "workloadGroups"]]?.arrayValue?.count == 2)
            let placements0 = try await platform.list(WorkPlacement.groupVersionResource, namespace: "default", labels: "kratix.io/work=\(work0.name ?? "")")
            let placements1 = try await platform.list(WorkPlacement.groupVersionResource, namespace: "default", labels: "kratix.io/work=\(work1.name ?? "")")
            #expect(Set(placements0.compactMap { $0[at: ["spec", "targetDestinationName"]]?.stringValue }) == ["worker-1", "worker-2"])
            #expect(placements1.compactMap { $0[at: ["spec", "targetDestinationName"]]?.stringValue } == ["worker-1"])

            // 10. The exact files of the request, per worker.
            let resources = "resources/default/testbundle/kratix-test"
            let expected: Set<String> = [
                "worker-1/\(resources)/resource-pipeline0/\(Self.shortID("dest1"))/dest1/configmap.yaml",
                "worker-2/\(resources)/resource-pipeline0/\(Self.shortID("dest2"))/dest2/configmap.yaml",
                "worker-1/\(resources)/resource-pipeline1/\(Self.root)/namespace.yaml",
            ]
            #expect(await platform.eventually {
                files = try await moto.contents()
                return Set(files.keys.filter { $0.contains("/resources/default/") }) == expected
            }, "\(files.keys.sorted())")
            #expect(files["worker-1/\(resources)/resource-pipeline0/\(Self.shortID("dest1"))/dest1/configmap.yaml"]?.contains("name: ksystest-cm-1") == true)
            #expect(files["worker-2/\(resources)/resource-pipeline0/\(Self.shortID("dest2"))/dest2/configmap.yaml"]?.contains("name: ksystest-cm-2") == true)
            #expect(files["worker-1/\(resources)/resource-pipeline1/\(Self.root)/namespace.yaml"]?.contains("name: ksystest") == true)

            // 11. Updating the request re-runs both pipelines and changes the delivered content.
            let before = files["worker-1/\(resources)/resource-pipeline0/\(Self.shortID("dest1"))/dest1/configmap.yaml"]
            try await platform.apply(fixture: "kratix/core/assets/example-resource-v2.yaml")
            #expect(await platform.eventually {
                files = try await moto.contents()
                return files["worker-1/\(resources)/resource-pipeline1/\(Self.root)/namespace.yaml"]?.contains("name: ksystest-updated") == true
                    && files["worker-1/\(resources)/resource-pipeline0/\(Self.shortID("dest1"))/dest1/configmap.yaml"] != before
            }, "the update is delivered: \(files.keys.sorted())")

            // 12. Promise v2: the CRD gains `newName`, the promise pipeline re-runs with VALUE=second,
            // and every resource pipeline re-runs (new timestamps).
            let dest1 = "worker-1/\(resources)/resource-pipeline0/\(Self.shortID("dest1"))/dest1/configmap.yaml"
            let beforePromiseUpdate = files[dest1]
            try await platform.apply(fixture: "kratix/core/assets/promise-v2.yaml")
            #expect(await platform.eventually {
                let crd = await platform.get(.customResourceDefinitions, "testbundles.test.kratix.io")
                return crd?[at: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "newName"]] != nil
            }, "the CRD is updated")
            #expect(await platform.eventually {
                files = try await moto.contents()
                return files["worker-1/dependencies/testbundle/setup-deps/\(Self.root)/configmap.yaml"]?.contains("promiseEnv: \"second\"") == true
            }, "the promise pipeline re-ran with the new environment")
            #expect(await platform.eventually {
                files = try await moto.contents()
                return files[dest1] != nil && files[dest1] != beforePromiseUpdate
            }, "the resource pipelines re-ran after the Promise changed")

            // 13. Deleting the request removes its Works, WorkPlacements and files. (Once its workflow has
            // settled: a configure Job cut short by the deletion retries with the Job backoff first,
            // which can outlast the wait below on a loaded machine.)
            #expect(await platform.eventually {
                let jobs = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=kratix-test")
                return jobs.allSatisfy { job in ["Complete", "Failed"].contains { job.condition($0)?["status"] == "True" } }
            }, "the request's workflow settles")
            try await platform.kubectl(["delete", "testbundle", "kratix-test", "-n", "default", "--wait=false"])
            #expect(await platform.eventually {
                files = try await moto.contents()
                let works = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=kratix-test")
                return works.isEmpty && !files.keys.contains { $0.contains("/resources/default/") }
            }, "request removed: \(files.keys.sorted())")
            #expect(try await platform.list(WorkPlacement.groupVersionResource, namespace: "default").allSatisfy { $0[at: ["spec", "resourceName"]]?.stringValue ?? "" != "kratix-test" })

            // 14. Deleting the Promise removes the CRD, its Works and the dependencies.
            try await platform.kubectl(["delete", "promise", "testbundle", "--wait=false"])
            #expect(await platform.eventually {
                files = try await moto.contents()
                let works = try await platform.list(Work.groupVersionResource, labels: "kratix.io/promise-name=testbundle")
                let crd = await platform.get(.customResourceDefinitions, "testbundles.test.kratix.io")
                let promise = await platform.get(Promise.groupVersionResource, "testbundle")
                return works.isEmpty && !files.keys.contains { $0.contains("/dependencies/testbundle/") } && crd == nil && promise == nil
            }, "Promise removed: \(files.keys.sorted())")
            // Its resource controller's informer is gone too: nobody watches the deleted CRD any more.
            #expect(await platform.eventually { await platform.server.store.watcherCount(groupResource: "testbundles.test.kratix.io") == 0 },
                    "the deleted Promise's CRD is still watched")
        }
    }
}
