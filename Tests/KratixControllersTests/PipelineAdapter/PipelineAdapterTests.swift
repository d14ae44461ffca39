import Foundation
import KratixAPI
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers
@testable import KratixPipelineAdapter

/// The adapter steps against the embedded API server (TLS, the real client).
@Suite struct PipelineAdapterTests {
    static let requestEnvironment: [String: String] = [
        "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_PROMISE_NAME": "testbundle",
        "KRATIX_PIPELINE_NAME": "resource-pipeline0", "KRATIX_OBJECT_KIND": "TestBundle", "KRATIX_OBJECT_GROUP": "test.kratix.io",
        "KRATIX_OBJECT_VERSION": "v1alpha1", "KRATIX_OBJECT_NAME": "kratix-test", "KRATIX_OBJECT_NAMESPACE": "default",
        "KRATIX_CRD_PLURAL": "testbundles", "KRATIX_CLUSTER_SCOPED": "false", "IS_LAST_PIPELINE": "false",
    ]

    func options(_ scratch: AdapterScratch) -> WorkCreatorOptions {
        WorkCreatorOptions(inputDirectory: scratch.path, promiseName: "testbundle", pipelineName: "resource-pipeline0",
                           namespace: "default", resourceName: "kratix-test", workflowType: "resource")
    }

    func works(_ cluster: WorkflowCluster) async throws -> [Work] {
        try await cluster.client.api(Work.self, namespace: "default").list().items
    }

    @Test func workCreatorCreatesThenUpdatesOneWork() async throws {
        try await WorkflowCluster.with { cluster in
            try await AdapterScratch.with { scratch in
                // What resource-configure-0.sh writes for the core fixture.
                try scratch.write("input/dest1/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ksystest-cm-1}\n")
                try scratch.write("input/dest2/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ksystest-cm-2}\n")
                try scratch.write("metadata/destination-selectors.yaml", """
                    - directory: dest1
                      matchLabels: {target: worker-1}
                    - directory: dest2
                      matchLabels: {target: worker-2}
                    """)
                try scratch.write("kratix-system/promise-scheduling", "- matchlabels:\n    environment: dev\n  source: promise\n")

                let first = try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch))
                guard case .created(let namespace, let name) = first else {
                    Issue.record("expected a created Work, got \(first)")
                    return
                }
                #expect(namespace == "default")
                #expect(name.hasPrefix("testbundle-kratix-test-resource-pipeline0-"))
                var all = try await works(cluster)
                #expect(all.count == 1)
                let work = all[0]
                #expect(work.metadata.labels == [
                    "kratix.io/promise-name": "testbundle", "kratix.io/work-type": "resource",
                    "kratix.io/pipeline-name": "resource-pipeline0", "kratix.io/resource-name": "kratix-test",
                ])
                #expect(work.spec.promiseName == "testbundle")
                #expect(work.spec.resourceName == "kratix-test")
                #expect(work.spec.workloadGroups?.map(\.directory) == ["dest1", "dest2"])
                let content = try #require(work.spec.workloadGroups?[0].workloads?[0].content)
                #expect(String(decoding: try WorkloadContent.decode(content), as: UTF8.self).contains("ksystest-cm-1"))

                // A second run replaces the spec of the same Work.
                try scratch.write("input/root.yaml", "a: 1\n")
                let second = try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch),
                                                                   now: Date().addingTimeInterval(5))
                #expect(second == .updated(namespace: "default", name: name))
                all = try await works(cluster)
                #expect(all.count == 1)
                #expect(all[0].spec.workloadGroups?.map(\.directory) == ["dest1", "dest2", "."])
                #expect(all[0].spec.workloadGroups?[2].destinationSelectors == [WorkloadGroupScheduling(matchLabels: ["environment": "dev"], source: "promise")])
                #expect(all[0].metadata.generation == 2)

                // Asking to suspend writes nothing.
                try scratch.write("metadata/workflow-control.yaml", "suspend: true\n")
                try scratch.write("input/more.yaml", "b: 2\n")
                #expect(try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch)) == .skipped)
                #expect(try await works(cluster)[0].metadata.resourceVersion == all[0].metadata.resourceVersion)
            }
        }
    }

    /// Output larger than the API server takes (413) fails the step with that reason, and the
    /// request says so at once instead of "Pending" while its Job retries.
    @Test func outputTooLargeForTheAPIServerIsReportedOnTheRequest() async throws {
        try await WorkflowCluster.with { cluster in
            _ = try await cluster.createCoreFixture()
            // The engine's view before the Job ran: the pipeline Running.
            var before = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            before.status = ["message": "Pending", "kratix": ["workflows": ["pipelines": [
                ["name": "resource-pipeline0", "phase": "Running"], ["name": "resource-pipeline1", "phase": "Pending"],
            ]]]]
            _ = try await cluster.client.updateStatus(WorkflowCluster.testBundles, before)
            try await AdapterScratch.with { scratch in
                // Random bytes do not compress: far above the server's 3 MiB body limit once gzipped and base64-encoded.
                var generator = SystemRandomNumberGenerator()
                let noise = (0..<(4 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try scratch.write("input/big.txt", Data(noise).base64EncodedString())
                var failure: PipelineAdapterError?
                do {
                    _ = try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch))
                } catch {
                    failure = error as? PipelineAdapterError
                }
                let error = try #require(failure, "a Work larger than the body limit was accepted")
                #expect(error.kind == .invalidPipelineOutput)
                #expect(error.message.contains("too large") && error.message.contains("413"), "\(error)")
                #expect(try await works(cluster).isEmpty)
                let request = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
                let message = request.status?["message"]?.stringValue ?? ""
                #expect(message.hasPrefix("Pipeline resource-pipeline0 failed: the pipeline's output is too large"), "\(message)")
                // The pipeline's entry says it failed for good, which stops the controller retrying it.
                let entry = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
                #expect(entry.phase(of: "resource-pipeline0") == "Failed")
                #expect(entry.message(of: "resource-pipeline0")?.contains("too large") == true)
                #expect(entry.phase(of: "resource-pipeline1") == "Pending")
            }
        }
    }

    /// As upstream: a `.yaml` file that does not parse is stored as written (a marketplace Promise
    /// with one malformed dependency file becomes Available upstream), with a warning in the log.
    @Test func invalidYAMLIsStoredAsWrittenWithAWarning() async throws {
        try await WorkflowCluster.with { cluster in
            try await AdapterScratch.with { scratch in
                try scratch.write("input/good.yaml", "a: 1\n")
                try scratch.write("input/bad.yaml", "a: [1,\n")
                let warnings = Warnings()
                let result = try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch)) { await warnings.add($0) }
                guard case .created = result else { Issue.record("expected a Work, got \(result)"); return }
                let workloads = try await works(cluster)[0].spec.workloadGroups?[0].workloads ?? []
                let bad = try #require(workloads.first { $0.filepath == "bad.yaml" }?.content)
                #expect(try WorkloadContent.decode(bad) == Array("a: [1,\n".utf8))
                let logged = await warnings.all
                #expect(logged.count == 1 && logged[0].contains("input/bad.yaml") && logged[0].contains("invalid YAML"), "\(logged)")
            }
        }
    }

    @Test func outputOutsideTheDirectoryWritesNothing() async throws {
        try await WorkflowCluster.with { cluster in
            try await AdapterScratch.with { scratch in
                try scratch.write("input/good.yaml", "a: 1\n")
                try scratch.write("outside.yaml", "password: hunter2\n")
                try scratch.symlink("input/escape.yaml", to: "../outside.yaml")
                do {
                    try await PipelineAdapter.workCreator(client: cluster.client, options: options(scratch))
                    Issue.record("expected an error")
                } catch let error as PipelineAdapterError {
                    #expect(error.file?.hasSuffix("input/escape.yaml") == true)
                    #expect(!error.description.contains("hunter2"))
                }
                #expect(try await works(cluster).isEmpty)
            }
        }
    }

    @Test func updateStatusMergesIntoTheRequest() async throws {
        try await WorkflowCluster.with { cluster in
            _ = try await cluster.createCoreFixture()
            // The engine's view before the Job ran: one pipeline Running, message Pending.
            var request = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            request.status = [
                "message": "Pending", "keep": "me",
                "kratix": ["workflows": ["pipelines": [["name": "resource-pipeline0", "phase": "Running"],
                                                      ["name": "resource-pipeline1", "phase": "Pending"]]]],
            ]
            _ = try await cluster.client.updateStatus(WorkflowCluster.testBundles, request)

            try await AdapterScratch.with { scratch in
                try scratch.write("work-creator-files/metadata/status.yaml", "stage: one\nconnection: {host: db}\n")
                var environment = Self.requestEnvironment
                environment["IS_LAST_PIPELINE"] = "true"
                let (stored, warnings) = try await PipelineAdapter.updateStatus(client: cluster.client, environment: environment,
                                                                                root: scratch.path)
                #expect(warnings.isEmpty)
                let status = try #require(stored.status)
                #expect(status["stage"] == "one")
                #expect(status["connection"] == ["host": "db"])
                #expect(status["keep"] == "me")
                #expect(status["message"] == "Resource requested")
                let doc = WorkflowStatusDocument(status, conditionStyle: .clusterAPI)
                #expect(doc.condition("ConfigureWorkflowCompleted")?.status == .true)
                #expect(doc.condition("ConfigureWorkflowCompleted")?.reason == "PipelinesExecutedSuccessfully")
                #expect(doc.phase(of: "resource-pipeline0") == "Running")
                let reread = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
                #expect(reread.status?["stage"] == "one")

                // A retry request labels the object and records the attempt.
                try scratch.write("work-creator-files/metadata/workflow-control.yaml", "retryAfter: 5m\nmessage: not yet\n")
                let now = Date(timeIntervalSince1970: 1_800_000_000)
                let (retried, _) = try await PipelineAdapter.updateStatus(client: cluster.client, environment: Self.requestEnvironment,
                                                                          root: scratch.path, now: now)
                #expect(retried.labels[KratixLabels.workflowSuspended] == "true")
                let retriedStatus = WorkflowStatusDocument(retried.status, conditionStyle: .clusterAPI)
                #expect(retriedStatus.phase(of: "resource-pipeline0") == "Suspended")
                #expect(retriedStatus.pipelines[0]["nextRetryAt"] == .string(Timestamp.format(now.addingTimeInterval(300))))
                #expect(retriedStatus.pipelines[0]["attempts"] == 1)
                #expect(retriedStatus.suspendedGeneration == retried.generation)
            }
        }
    }

    @Test func updateStatusRefusesBadFilesAndWritesNothing() async throws {
        try await WorkflowCluster.with { cluster in
            _ = try await cluster.createCoreFixture()
            let before = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            try await AdapterScratch.with { scratch in
                for text in ["- not\n- a map\n", "kratix: {workflows: {}}\n", "a: [\n"] {
                    try scratch.write("work-creator-files/metadata/status.yaml", text)
                    do {
                        try await PipelineAdapter.updateStatus(client: cluster.client, environment: Self.requestEnvironment, root: scratch.path)
                        Issue.record("expected an error for \(text)")
                    } catch let error as PipelineAdapterError {
                        #expect(error.file?.hasSuffix("work-creator-files/metadata/status.yaml") == true)
                    }
                }
                try scratch.write("work-creator-files/metadata/status.yaml", "fine: true\n")
                try scratch.write("work-creator-files/metadata/workflow-control.yaml", "retryAfter: 1d\n")
                await #expect(throws: PipelineAdapterError.self) {
                    try await PipelineAdapter.updateStatus(client: cluster.client, environment: Self.requestEnvironment, root: scratch.path)
                }
            }
            let after = try await cluster.client.get(WorkflowCluster.testBundles, name: "kratix-test", namespace: "default")
            #expect(after.resourceVersion == before.resourceVersion)
        }
    }

    @Test func readerWritesTheObject() async throws {
        try await WorkflowCluster.with { cluster in
            _ = try await cluster.createCoreFixture()
            try await AdapterScratch.with { scratch in
                let (path, text) = try await PipelineAdapter.reader(client: cluster.client, environment: Self.requestEnvironment, root: scratch.path)
                #expect(path == scratch.root.appendingPathComponent("kratix/input/object.yaml").path)
                let written = try #require(scratch.read("kratix/input/object.yaml"))
                #expect(written == text)
                let object = try YAMLReader.singleDocument(in: written)
                #expect(object["kind"] == "TestBundle")
                #expect(object["spec"]?["configMapName"] == "ksystest-cm")
                #expect(object["metadata"]?["namespace"] == "default")

                // Promises are cluster-scoped: the namespace is ignored.
                let promiseEnvironment: [String: String] = [
                    "KRATIX_OBJECT_GROUP": "platform.kratix.io", "KRATIX_OBJECT_VERSION": "v1alpha1", "KRATIX_CRD_PLURAL": "promises",
                    "KRATIX_OBJECT_NAME": "testbundle", "KRATIX_OBJECT_NAMESPACE": "", "KRATIX_CLUSTER_SCOPED": "true",
                    "INPUT_DIR": scratch.root.appendingPathComponent("promise-input").path,
                ]
                try await PipelineAdapter.reader(client: cluster.client, environment: promiseEnvironment)
                let promiseText = try #require(scratch.read("promise-input/object.yaml"))
                #expect(try YAMLReader.singleDocument(in: promiseText)["kind"] == "Promise")
            }
        }
    }

    @Test func missingEnvironmentIsAClearError() {
        do {
            _ = try PipelineAdapterEnvironment(["KRATIX_OBJECT_VERSION": "v1"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "environment variable KRATIX_CRD_PLURAL is not set")
        }
        let env = try? PipelineAdapterEnvironment(["KRATIX_OBJECT_VERSION": "v1", "KRATIX_CRD_PLURAL": "things", "KRATIX_OBJECT_NAME": "x"])
        #expect(env?.namespace == "default")
    }
}

/// Warnings a step reported.
private actor Warnings {
    private(set) var all: [String] = []
    func add(_ warning: String) { all.append(warning) }
}
