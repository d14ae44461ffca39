import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 scenarios with the upstream assets in `kratix/system/assets`:
/// `kratix_config_test.go`, `healthchecks_test.go` and `reconciliation_test.go`.
@Suite(.serialized) struct SystemScenarioTests {
    static let assets = "kratix/system/assets"
    static let root = "5058f"

    func resource(_ plural: String) -> GroupVersionResource {
        GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: plural)
    }

    func reconciled(_ platform: PlatformHarness, _ resource: GroupVersionResource, _ name: String) async -> Bool {
        await platform.eventually {
            await platform.get(resource, name, namespace: "default")?.condition("Reconciled")?["status"] == "True"
        }
    }

    /// The Job of one pipeline of a request, once it exists.
    func job(_ platform: PlatformHarness, promise: String, pipeline: String) async throws -> KubeObject? {
        var found: KubeObject?
        _ = await platform.eventually {
            found = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/promise-name=\(promise),kratix.io/pipeline-name=\(pipeline)").first
            return found != nil
        }
        return found
    }

    @Test func kratixConfigDefaultsAndPipelineOptions() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.apply(fixture: "\(Self.assets)/kratix-config.yaml")
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/kratix-config/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "configtest.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/kratix-config/resource-request.yaml")
            #expect(await reconciled(platform, resource("configtest"), "example-config"))
            await platform.reportFailedPods(namespace: "default")

            func userContainer(_ job: KubeObject?) -> JSONValue? {
                job?[at: ["spec", "template", "spec", "containers"]]?.arrayValue?.first { $0["name"] == "do-nothing-with-care" }
                    ?? job?[at: ["spec", "template", "spec", "initContainers"]]?.arrayValue?.first { $0["name"] == "do-nothing-with-care" }
            }
            // The Promise's securityContext and backoffLimit win where it sets them...
            let job0 = try await job(platform, promise: "configtest", pipeline: "resource-pipeline0")
            #expect(job0?[at: ["spec", "backoffLimit"]] == 3)
            #expect(userContainer(job0)?[path: ["securityContext", "windowsOptions", "runAsUserName"]] == "setInPromise")
            // ... the config's defaults apply elsewhere (never Kubernetes' backoffLimit of 6).
            let job1 = try await job(platform, promise: "configtest", pipeline: "resource-pipeline1")
            #expect(job1?[at: ["spec", "backoffLimit"]] == 4)
            #expect(userContainer(job1)?[path: ["securityContext", "windowsOptions", "runAsUserName"]] == "setInKratixConfig")
        }
    }

    @Test func healthRecordsGiveTheRequestItsWorstState() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.apply(fixture: "\(Self.assets)/healthchecks/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "healthchecktest.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/healthchecks/resource-request.yaml")
            // The Promise has no workflows: the request is done once its generation is observed.
            #expect(await platform.eventually {
                let request = await platform.get(resource("healthchecktest"), "example", namespace: "default")
                return request?[at: ["status", "observedGeneration"]] == 1
            })
            try await platform.apply(fixture: "\(Self.assets)/healthchecks/healthy-health-record.yaml")
            try await platform.apply(fixture: "\(Self.assets)/healthchecks/unhealthy-health-record.yaml")
            #expect(await platform.eventually {
                let request = await platform.get(resource("healthchecktest"), "example", namespace: "default")
                return request?[at: ["status", "healthStatus", "state"]] == "unhealthy"
                    && request?[at: ["status", "healthStatus", "healthRecords"]]?.arrayValue?.count == 2
            })
            let request = try #require(await platform.get(resource("healthchecktest"), "example", namespace: "default"))
            let records = request[at: ["status", "healthStatus", "healthRecords"]]?.arrayValue ?? []
            #expect(Set(records.compactMap { $0["state"]?.stringValue }) == ["healthy", "unhealthy"], "\(records)")
        }
    }

    @Test func pausedPromiseFreezesItsRequestsUntilUnpaused() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let paused = resource("pausedtest")
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "pausedtest")?[at: ["status", "status"]] == "Available"
            })
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-promise-rr-one.yaml")
            #expect(await reconciled(platform, paused, "one"))
            await platform.reportFailedPods(namespace: "default")
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)

            // Paused: the Promise says so, new and updated requests are accepted but frozen.
            try await platform.kubectl(["label", "promise", "pausedtest", "kratix.io/paused=true"])
            #expect(await platform.eventually {
                let promise = await platform.get(Promise.groupVersionResource, "pausedtest")
                return promise?.condition("Reconciled")?["reason"] == "PausedReconciliation"
                    && promise?.condition("Available")?["reason"] == "PausedReconciliation"
            })
            let jobsBefore = try await platform.list(.jobs, namespace: "default").count
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-promise-rr-two.yaml")
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-promise-rr-one-updated.yaml")
            for name in ["one", "two"] {
                #expect(await platform.eventually {
                    let request = await platform.get(paused, name, namespace: "default")
                    return request?.condition("Reconciled")?["reason"] == "PausedReconciliation"
                        && request?.condition("Reconciled")?["message"] == "Paused"
                }, "\(name) is Paused")
            }
            let started = try await platform.changes(to: .jobs, namespace: "default", during: .seconds(2)) { $0.type == .added }
            #expect(started.isEmpty, "no workflow runs while paused: \(PlatformHarness.describe(started))")
            #expect(try await platform.list(.jobs, namespace: "default").count == jobsBefore, "no workflow runs while paused")

            // Unpaused: every request reconciles with its latest spec.
            try await platform.kubectl(["label", "promise", "pausedtest", "kratix.io/paused-"])
            #expect(await reconciled(platform, paused, "two"))
            #expect(await platform.eventually {
                let request = await platform.get(paused, "one", namespace: "default")
                let observed = request?[at: ["status", "observedGeneration"]]
                return request?.condition("Reconciled")?["status"] == "True" && observed == request?[at: ["metadata", "generation"]]
            })
            let one = "worker-1/resources/default/pausedtest/one/resource/\(Self.root)/configmap.yaml"
            let two = "worker-1/resources/default/pausedtest/two/resource/\(Self.root)/configmap.yaml"
            let delivered = await platform.eventually {
                let files = try await repository.files()
                guard files.contains(one), files.contains(two) else { return false }
                return try await repository.show(one)?.contains("one-after") == true
            }
            let files = try await repository.files()
            #expect(delivered, "\(files)")
        }
    }

    @Test func pausedRequestStaysFrozenAcrossPromiseUpdates() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let requests = resource("pausedtestrr")
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-request-promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "pausedtest-rr")?[at: ["status", "status"]] == "Available"
            })
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-request-promise-rr.yaml")
            #expect(await reconciled(platform, requests, "one"))
            let file = "worker-1/resources/default/pausedtest-rr/one/resource/\(Self.root)/configmap.yaml"
            #expect(await platform.eventually { try await repository.show(file)?.contains("one-before") == true })

            // The paused request: an update of its own and a Promise update change nothing.
            try await platform.kubectl(["label", "pausedtestrr", "one", "-n", "default", "kratix.io/paused=true"])
            #expect(await platform.eventually {
                let request = await platform.get(requests, "one", namespace: "default")
                return request?.condition("Reconciled")?["reason"] == "PausedReconciliation" && request?.condition("Reconciled")?["message"] == "Paused"
            })
            let jobsBefore = try await platform.list(.jobs, namespace: "default").count
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-request-promise-rr-update.yaml")
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-request-promise-update.yaml")
            let started = try await platform.changes(to: .jobs, namespace: "default", during: .seconds(4)) { $0.type == .added }
            #expect(started.isEmpty, "no workflow runs for the paused request: \(PlatformHarness.describe(started))")
            #expect(try await platform.list(.jobs, namespace: "default").count == jobsBefore, "no workflow runs for the paused request")
            #expect(try await repository.show(file)?.contains("one-before") == true)
            #expect(await platform.get(requests, "one", namespace: "default")?.condition("Reconciled")?["reason"] == "PausedReconciliation")

            // Unpaused: it reconciles with the latest request and Promise.
            try await platform.kubectl(["label", "pausedtestrr", "one", "-n", "default", "kratix.io/paused-"])
            let caughtUp = await platform.eventually {
                let text = try await repository.show(file) ?? ""
                return text.contains("one-after") && text.contains("config1")
            }
            let text = try await repository.show(file) ?? ""
            #expect(caughtUp, "\(text)")
            #expect(await reconciled(platform, requests, "one"))
        }
    }

    /// acceptance-scenarios.md §3.3: requests in two namespaces get their own ServiceAccount, Role and
    /// RoleBinding in their namespace, and are scheduled and cleaned up independently. RBAC is
    /// enforced, so each pipeline really runs on its own namespace's grant.
    @Test func requestsInTwoNamespacesAreKeptApart() async throws {
        try await PlatformHarness.with(authorizationMode: .rbac) { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let requests = resource("pausedtest")
            try await platform.apply(fixture: "\(Self.assets)/reconciliation/pause-promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "pausedtest")?[at: ["status", "status"]] == "Available"
            })
            for namespace in ["team-a", "team-b"] {
                try await platform.createNamespace(namespace)
                try await platform.kubectl(["apply", "-n", namespace, "-f", "-"], stdin: """
                    apiVersion: test.kratix.io/v1alpha1
                    kind: PausedTest
                    metadata: {name: app}
                    spec: {name: \(namespace)-config}
                    """)
            }
            for namespace in ["team-a", "team-b"] {
                let done = await platform.eventually {
                    await platform.get(requests, "app", namespace: namespace)?.condition("Reconciled")?["status"] == "True"
                }
                await platform.reportFailedPods(namespace: namespace)
                #expect(done, "\(namespace)/app is reconciled")
                // The pipeline's identity and grant live in the request's namespace.
                let id = "pausedtest-resource-configure-resource"
                #expect(await platform.get(.serviceAccounts, id, namespace: namespace) != nil, "ServiceAccount in \(namespace)")
                #expect(await platform.get(.roles, id, namespace: namespace) != nil, "Role in \(namespace)")
                let binding = await platform.get(.roleBindings, id, namespace: namespace)
                #expect(binding?[at: ["subjects"]]?.arrayValue?.first?["namespace"]?.stringValue == namespace)
                #expect(try await platform.list(.jobs, namespace: namespace, labels: "kratix.io/promise-name=pausedtest").count == 1)
            }
            func file(_ namespace: String) -> String { "worker-1/resources/\(namespace)/pausedtest/app/resource/\(Self.root)/configmap.yaml" }
            #expect(await platform.eventually {
                let files = try await repository.files()
                return files.contains(file("team-a")) && files.contains(file("team-b"))
            })
            #expect(try await repository.show(file("team-b"))?.contains("team-b-config") == true)

            // Deleting one request removes only its files.
            try await platform.kubectl(["delete", "pausedtest", "app", "-n", "team-a"])
            #expect(await platform.eventually {
                let files = try await repository.files()
                return !files.contains(file("team-a")) && files.contains(file("team-b"))
            })
            #expect(await platform.get(requests, "app", namespace: "team-b")?.condition("Reconciled")?["status"] == "True")
        }
    }
}
