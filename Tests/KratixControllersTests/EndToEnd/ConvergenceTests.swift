import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// Killing the manager in the middle of a workflow and starting it again converges to the same
/// state: no duplicate Works, no lost or extra files (issue 9). The Git state store is a bare
/// repository read back with `git`.
@Suite(.serialized) struct ConvergenceTests {
    static let testBundles = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "testbundles")

    @Test func aManagerKilledMidWorkflowConvergesAfterARestart() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations([
                "worker-1": ["environment": "dev", "target": "worker-1"],
                "worker-2": ["environment": "dev", "target": "worker-2"],
            ])
            try await platform.startManager()
            try await platform.apply(fixture: "kratix/core/assets/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "testbundles.test.kratix.io") != nil })
            try await platform.apply(fixture: "kratix/core/assets/example-resource.yaml")

            // Kill the manager while the request's first pipeline Job exists and its workflow is unfinished.
            #expect(await platform.eventually {
                try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=kratix-test").count >= 1
            })
            await platform.stopManager()
            let jobsAtKill = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=kratix-test").count
            // The runner finishes the Job while no manager runs.
            #expect(await platform.eventually {
                try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=kratix-test").allSatisfy { job in
                    (job.status?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Complete" && $0["status"] == "True" }
                }
            })
            try await platform.startManager()

            #expect(await platform.eventually {
                let request = await platform.get(Self.testBundles, "kratix-test", namespace: "default")
                return request?.condition("Reconciled")?["status"] == "True"
            }, "the request converges after the restart")
            await platform.reportFailedPods(namespace: "default")
            let request = try #require(await platform.get(Self.testBundles, "kratix-test", namespace: "default"))
            #expect(request[at: ["status", "workflowsSucceeded"]] == 2)
            #expect(request[at: ["status", "stage"]] == "two")

            // Exactly one Work per pipeline, and each pipeline ran once (no Job was started twice).
            let works = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=kratix-test")
            #expect(works.compactMap { $0.labels["kratix.io/pipeline-name"] }.sorted() == ["resource-pipeline0", "resource-pipeline1"])
            let jobs = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=kratix-test")
            #expect(jobs.compactMap { $0.labels["kratix.io/pipeline-name"] }.sorted() == ["resource-pipeline0", "resource-pipeline1"],
                    "\(jobsAtKill) Job(s) at the kill; now \(jobs.compactMap(\.name))")

            // The state store holds exactly the expected files.
            let resources = "resources/default/testbundle/kratix-test"
            let expected: Set<String> = [
                "worker-1/\(resources)/resource-pipeline0/\(CoreScenarioTests.shortID("dest1"))/dest1/configmap.yaml",
                "worker-2/\(resources)/resource-pipeline0/\(CoreScenarioTests.shortID("dest2"))/dest2/configmap.yaml",
                "worker-1/\(resources)/resource-pipeline1/\(CoreScenarioTests.root)/namespace.yaml",
            ]
            var files: [String] = []
            #expect(await platform.eventually {
                files = try await repository.files()
                return Set(files.filter { $0.contains("/resources/default/") }) == expected
            }, "\(files)")
            for worker in ["worker-1", "worker-2"] {
                #expect(files.contains("\(worker)/dependencies/testbundle/setup-deps/\(CoreScenarioTests.root)/namespace.yaml"), "\(files)")
            }
        }
    }
}
