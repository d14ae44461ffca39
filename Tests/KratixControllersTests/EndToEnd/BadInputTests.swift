import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// Issue 9's bad input, end to end: an invalid Promise (duplicate pipeline names, a pipeline with
/// no containers, an API that is not a CRD) and a pipeline whose output escapes its directory each
/// get a condition and an Event saying what is wrong, nothing else changes, and a good Promise
/// applied beside them carries on.
@Suite(.serialized) struct BadInputTests {
    static func promise(_ name: String, api: String, resourcePipelines: String) -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: \(name)}
        spec:
          api:
        \(api)
          workflows:
            resource:
              configure:
        \(resourcePipelines)
        """
    }

    static func pipeline(_ name: String, script: String?) -> String {
        let containers = script.map { """
                      containers:
                        - name: stage
                          image: busybox
                          command: ["sh", "-c", "\($0)"]
            """ } ?? "          containers: []"
        return """
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: \(name)}
                  spec:
          \(containers)
        """
    }

    func invalid(_ platform: PlatformHarness, _ name: String) async -> KubeObject? {
        var found: KubeObject?
        _ = await platform.eventually(timeout: .seconds(30)) {
            found = await platform.get(Promise.groupVersionResource, name)
            return found?.condition("Available")?["reason"] == "InvalidPromise"
        }
        return found
    }

    @Test func invalidPromisesAreReportedAndChangeNothing() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let good = Self.pipeline("make", script: "echo '{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}' > /kratix/output/cm.yaml")
            let documents = [
                Self.promise("duplicate-pipelines", api: PlatformHarness.openAPI(plural: "duplicates", kind: "Duplicate"),
                             resourcePipelines: good + "\n" + good),
                Self.promise("no-containers", api: PlatformHarness.openAPI(plural: "emptys", kind: "Empty"),
                             resourcePipelines: Self.pipeline("empty", script: nil)),
                Self.promise("not-a-crd", api: """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: not-a-crd}
                """, resourcePipelines: good),
                Self.promise("fine", api: PlatformHarness.openAPI(plural: "fines", kind: "Fine"), resourcePipelines: good),
            ]
            try await platform.kubectl(["apply", "-f", "-"], stdin: documents.joined(separator: "\n---\n"))

            for (name, words) in [("duplicate-pipelines", ["duplicate", "\"make\""]), ("no-containers", ["container"]), ("not-a-crd", ["CustomResourceDefinition"])] {
                let promise = await invalid(platform, name)
                let message = promise?.condition("Available")?["message"]?.stringValue ?? ""
                #expect(promise?.condition("Available")?["reason"] == "InvalidPromise", "\(name): \(promise?.conditionSummary ?? [])")
                #expect(words.allSatisfy { message.contains($0) }, "\(name): \(message)")
                #expect(promise?[at: ["status", "status"]] == "Unavailable")
                #expect(try await platform.events(about: name).contains { $0.hasPrefix("Warning InvalidPromise: ") }, "\(name) has an Event")
            }
            // Nothing was made for them; the good Promise beside them works.
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "fine")?[at: ["status", "status"]] == "Available"
            })
            for crd in ["duplicates.test.kratix.io", "emptys.test.kratix.io"] {
                #expect(await platform.get(.customResourceDefinitions, crd) == nil, "\(crd) is not created")
            }
            #expect(await platform.get(.customResourceDefinitions, "fines.test.kratix.io") != nil)
            #expect(try await platform.list(.jobs, namespace: KratixGroup.systemNamespace).isEmpty)
        }
    }

    @Test func outputEscapingItsDirectoryFailsTheWorkflowAndWritesNothing() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let documents = [
                Self.promise("leaky", api: PlatformHarness.openAPI(plural: "leakys", kind: "Leaky"),
                             resourcePipelines: Self.pipeline("leak", script: "ln -s /etc/hostname /kratix/output/leak.yaml")),
                Self.promise("fine", api: PlatformHarness.openAPI(plural: "fines", kind: "Fine"),
                             resourcePipelines: Self.pipeline("make", script: "echo '{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}' > /kratix/output/cm.yaml")),
            ]
            try await platform.kubectl(["apply", "-f", "-"], stdin: documents.joined(separator: "\n---\n"))
            #expect(await platform.eventually {
                let leaky = await platform.get(.customResourceDefinitions, "leakys.test.kratix.io")
                let fine = await platform.get(.customResourceDefinitions, "fines.test.kratix.io")
                return leaky != nil && fine != nil
            })
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: test.kratix.io/v1alpha1
                kind: Leaky
                metadata: {name: one, namespace: default}
                ---
                apiVersion: test.kratix.io/v1alpha1
                kind: Fine
                metadata: {name: one, namespace: default}
                """)
            let leakys = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "leakys")
            let fines = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "fines")
            #expect(await platform.eventually {
                await platform.get(leakys, "one", namespace: "default")?.condition("ConfigureWorkflowCompleted")?["reason"] == "ConfigureWorkflowFailed"
            })
            #expect(await platform.eventually {
                await platform.get(fines, "one", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            }, "the other Promise's request carries on")
            // The work writer refused the file, naming it; no Work and no file for the leaky request.
            let report = await platform.failedPods(namespace: "default")
            #expect(report.contains("leak.yaml"), "\(report)")
            #expect(try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/promise-name=leaky").isEmpty)
            let files = try await repository.files()
            #expect(!files.contains { $0.contains("/leaky/") }, "\(files)")
            #expect(files.contains { $0.hasPrefix("worker-1/resources/default/fine/one/make/") }, "\(files)")
            #expect(try await platform.events(about: "one").contains { $0.hasPrefix("Warning ConfigureWorkflowFailed") }, "an Event on the request")
        }
    }

    /// Output larger than the API server takes (413 on the Work) cannot succeed on a retry: the
    /// request says why at once, its workflow fails, and the Job is suspended instead of retrying.
    @Test func outputTooLargeFailsTheWorkflowAtOnceWithTheReason() async throws {
        try await PlatformHarness.with { platform in try await Self.outputTooLarge(platform) }
    }

    /// (A static func: the compiler crashed on this body inside the test's closure.)
    static func outputTooLarge(_ platform: PlatformHarness) async throws {
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: promise(
                "huge", api: PlatformHarness.openAPI(plural: "huges", kind: "Huge"),
                resourcePipelines: pipeline("make", script: "head -c 4194304 /dev/urandom | base64 > /kratix/output/big.txt")))
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "huges.test.kratix.io") != nil })
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: test.kratix.io/v1alpha1
                kind: Huge
                metadata: {name: one, namespace: default}
                """)
            let huges = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "huges")
            var request: KubeObject?
            let failed = await platform.eventually(timeout: .seconds(60)) {
                request = await platform.get(huges, "one", namespace: "default")
                return request?.condition("ConfigureWorkflowCompleted")?["reason"] == "ConfigureWorkflowFailed"
            }
            #expect(failed, "\(request?.status ?? .null)")
            let message = request?[at: ["status", "message"]]?.stringValue ?? ""
            #expect(message.hasPrefix("Pipeline make failed: the pipeline's output is too large"), "\(message)")
            #expect(message.contains("413"), "\(message)")
            // The Job is suspended, not left to retry to its backoff limit.
            let jobs = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/promise-name=huge")
            #expect(jobs.count == 1 && jobs.first?[at: ["spec", "suspend"]] == true, "\(jobs.map { $0.status ?? .null }) \(request?.status ?? .null)")
            #expect(try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/promise-name=huge").isEmpty)
    }
}
