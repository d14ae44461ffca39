import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// Published marketplace Promises (`marketplace/namespace`, `namespace-claim`, `runtime`) with
/// their requests, run by stand-ins for their images, delivered to a Git state store read back
/// with `git`. The claim's pipelines use the API from inside their pods (in-cluster kubectl).
@Suite(.serialized) struct MarketplaceTests {
    static let namespaces = GroupVersionResource(group: "marketplace.kratix.io", version: "v1alpha1", resource: "namespaces")
    static let claims = GroupVersionResource(group: "marketplace.kratix.io", version: "v1alpha1", resource: "namespaceclaims")
    static let runtimes = GroupVersionResource(group: "marketplace.kratix.io", version: "v1alpha1", resource: "runtimes")
    static let root = "5058f"

    func reconciled(_ platform: PlatformHarness, _ resource: GroupVersionResource, _ name: String) async -> Bool {
        await platform.eventually {
            await platform.get(resource, name, namespace: "default")?.condition("Reconciled")?["status"] == "True"
        }
    }

    @Test func namespaceAndNamespaceClaim() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()

            // namespace: the request's Namespace reaches the Destination. (Its plural, `namespaces`, is the
            // core one's in another group: the server must not treat it as a Namespace.)
            try await platform.apply(fixture: "marketplace/namespace/promise.yaml")
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "namespaces.marketplace.kratix.io") != nil })
            try await platform.apply(fixture: "marketplace/namespace/resource-request.yaml")
            #expect(await reconciled(platform, Self.namespaces, "example"))
            await platform.reportFailedPods(namespace: "default")
            let example = "worker-1/resources/default/namespace/example/instance-configure/\(Self.root)/namespace.yaml"
            #expect(await platform.eventually { try await repository.files().contains(example) })
            #expect(try await repository.show(example)?.contains("name: promised-namespace") == true)
            #expect(await platform.get(Self.namespaces, "example", namespace: "default")?[at: ["status", "message"]] == "namespace promised-namespace requested")

            // namespace-claim (requires namespace): its pipeline asks for the shared namespace through the API.
            try await platform.apply(fixture: "marketplace/namespace-claim/promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "namespace-claim")?[at: ["status", "status"]] == "Available"
            })
            try await platform.apply(fixture: "marketplace/namespace-claim/resource-request.yaml")
            #expect(await reconciled(platform, Self.claims, "team-a-claim"))
            await platform.reportFailedPods(namespace: "default")
            #expect(await platform.get(Self.claims, "team-a-claim", namespace: "default")?[at: ["status", "message"]] == "claimed namespace shared-team-namespace")
            #expect(await reconciled(platform, Self.namespaces, "shared-team-namespace"), "the claim's namespace request is fulfilled")
            let shared = "worker-1/resources/default/namespace/shared-team-namespace/instance-configure/\(Self.root)/namespace.yaml"
            #expect(await platform.eventually { try await repository.files().contains(shared) })

            // Deleting the claim runs its delete pipeline (only it deletes the namespace request), which
            // releases the namespace request and its files.
            try await platform.kubectl(["delete", "namespaceclaim", "team-a-claim", "-n", "default", "--wait=false"])
            #expect(await platform.eventually {
                let claim = await platform.get(Self.claims, "team-a-claim", namespace: "default")
                let request = await platform.get(Self.namespaces, "shared-team-namespace", namespace: "default")
                let files = try await repository.files()
                return claim == nil && request == nil && !files.contains(shared)
            }, "the claim, its namespace request and its files are gone")
            await platform.reportFailedPods(namespace: "default")
            #expect(try await repository.files().contains(example), "the other namespace request is untouched")
        }
    }

    @Test func runtime() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            try await platform.kubectl(["create", "configmap", "runtime-domain", "-n", "default", "--from-literal=domain=apps.example.com"])

            // The promise workflow delivers the ingress controller to every Destination.
            try await platform.apply(fixture: "marketplace/runtime/promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "runtime")?.condition("Reconciled")?["status"] == "True"
            })
            await platform.reportFailedPods(namespace: KratixGroup.systemNamespace)
            let ingress = "worker-1/dependencies/runtime/promise/\(Self.root)/ingress-nginx.yaml"
            #expect(await platform.eventually { try await repository.files().contains(ingress) })

            // The request (with CRD defaults and a list of free-form env entries) becomes a Deployment and a Service.
            try await platform.apply(fixture: "marketplace/runtime/resource-request.yaml")
            #expect(await reconciled(platform, Self.runtimes, "example-runtime"))
            await platform.reportFailedPods(namespace: "default")
            let request = try #require(await platform.get(Self.runtimes, "example-runtime", namespace: "default"))
            #expect(request[at: ["status", "url"]] == "http://example-runtime.apps.example.com")
            #expect(request[at: ["spec", "applicationEnv"]]?.arrayValue?.first?["value"] == "from-env")
            let dir = "worker-1/resources/default/runtime/example-runtime/instance/\(Self.root)"
            #expect(await platform.eventually {
                let files = try await repository.files()
                return files.contains("\(dir)/deployment.yaml") && files.contains("\(dir)/service.yaml")
            })
            let deployment = try await repository.show("\(dir)/deployment.yaml") ?? ""
            #expect(deployment.contains("image: syntasso/website") && deployment.contains("replicas: 1"), "\(deployment)")
            let printed = try await platform.kubectl(["get", "runtimes", "-n", "default"])
            #expect(printed.contains("URL") && printed.contains("http://example-runtime.apps.example.com"), "\(printed)")
        }
    }
}
