import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// Published marketplace Promises (`marketplace/namespace`, `namespace-claim`, `runtime`,
/// `app-stack`) with their requests, run by stand-ins for their images, delivered to a Git state
/// store read back with `git`. The claim's and the stack's pipelines use the API from inside their
/// pods (in-cluster kubectl); the stack is a compound Promise whose requests reach the platform
/// through its own Destination, applied by the test as the platform's GitOps agent would.
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

    /// A stand-in for the PostgreSQL Promise app-stack requires (`syntasso/promise-postgresql`): the
    /// `postgresqls` API; its pipeline creates the credentials Secret an operator would and asks
    /// the worker for the database cluster.
    static let postgresqlPromise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: postgresql
          labels: {kratix.io/promise-version: v1.0.0-beta.5}
        spec:
          destinationSelectors:
            - matchLabels: {environment: dev}
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: postgresqls.marketplace.kratix.io}
            spec:
              group: marketplace.kratix.io
              names: {kind: postgresql, plural: postgresqls, singular: postgresql}
              scope: Namespaced
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            env: {type: string}
                            teamId: {type: string}
                            dbName: {type: string}
          workflows:
            resource:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: instance-configure}
                  spec:
                    rbac:
                      permissions:
                        - apiGroups: [""]
                          resources: ["secrets"]
                          verbs: ["get", "create", "patch"]
                    containers:
                      - name: postgres
                        image: ghcr.io/syntasso/kratix-pipeline-utility:v0.0.1
                        command: ["sh", "-c"]
                        args:
                          - |
                            set -eu
                            name=$(yq '.metadata.name' /kratix/input/object.yaml)
                            namespace=$(yq '.metadata.namespace' /kratix/input/object.yaml)
                            team=$(yq '.spec.teamId' /kratix/input/object.yaml)
                            kubectl create secret generic "${team}-postgresql.credentials" -n "$namespace" \\
                              --from-literal=username="$team" --from-literal=password=stand-in --dry-run=client -o yaml | kubectl apply -f -
                            cat > /kratix/output/postgres-cluster.yaml <<EOF
                            apiVersion: acid.zalan.do/v1
                            kind: postgresql
                            metadata:
                              name: ${team}-${name}-postgresql
                              namespace: default
                            spec:
                              teamId: ${team}
                              numberOfInstances: 1
                            EOF
        """

    @Test func appStack() async throws {
        try await PlatformHarness.with { platform in
            // The platform cluster is a Destination too (compound Promises deliver requests to it).
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"], "platform": ["environment": "platform"]])
            try await platform.startManager()
            try await platform.kubectl(["create", "configmap", "runtime-domain", "-n", "default", "--from-literal=domain=apps.example.com"])

            // Without its required Promises the stack is Unavailable; with them, Available.
            try await platform.apply(fixture: "marketplace/app-stack/promise.yaml")
            #expect(await platform.eventually {
                await platform.get(Promise.groupVersionResource, "app-stack")?.condition("RequirementsFulfilled")?["status"] == "False"
            })
            try await platform.apply(fixture: "marketplace/runtime/promise.yaml")
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.postgresqlPromise)
            #expect(await platform.eventually {
                let stack = await platform.get(Promise.groupVersionResource, "app-stack")
                return stack?[at: ["status", "status"]] == "Available" && stack?.condition("RequirementsFulfilled")?["status"] == "True"
            })

            // The platform's GitOps agent: applies what Kratix delivers to the platform Destination.
            var applied = Set<String>()
            func syncPlatform() async throws {
                for file in try await repository.files() where file.hasPrefix("platform/resources/") && !file.hasSuffix("kratix-canary-configmap.yaml") {
                    guard !applied.contains(file), let text = try await repository.show(file) else { continue }
                    try await platform.kubectl(["apply", "-f", "-"], stdin: text)
                    applied.insert(file)
                }
            }

            try await platform.kubectl(["apply", "-n", "default", "-f", TestEnvironment.fixturesDirectory.appendingPathComponent("marketplace/app-stack/resource-request.yaml").path])
            let stacks = GroupVersionResource(group: "marketplace.kratix.io", version: "v1alpha1", resource: "appstacks")
            let postgresqls = GroupVersionResource(group: "marketplace.kratix.io", version: "v1alpha1", resource: "postgresqls")
            let done = await platform.eventually(timeout: .seconds(240)) {
                try await syncPlatform()
                let stack = await platform.get(stacks, "my-app-stack", namespace: "default")
                let runtime = await platform.get(Self.runtimes, "my-app-stack", namespace: "default")
                return stack?.condition("Reconciled")?["status"] == "True" && runtime?.condition("Reconciled")?["status"] == "True"
            }
            await platform.reportFailedPods(namespace: "default")
            let files = try await repository.files()
            #expect(done, "\(files)")

            // The stack asked the platform for a database and a runtime, in pipeline order.
            let stack = try #require(await platform.get(stacks, "my-app-stack", namespace: "default"))
            #expect(stack[at: ["status", "kratix", "workflows", "pipelines"]]?.arrayValue?.compactMap { $0["phase"]?.stringValue }
                == ["Succeeded", "Succeeded", "Succeeded"])
            #expect(stack[at: ["status", "database", "secretName"]] == "my-app-stack-postgresql.credentials")
            let stackDir = "platform/resources/default/app-stack/my-app-stack"
            #expect(files.contains("\(stackDir)/create-dependencies/\(Self.root)/postgresql.yaml"), "\(files)")
            #expect(files.contains("\(stackDir)/create-runtime/\(Self.root)/runtime.yaml"), "\(files)")
            #expect(!files.contains { $0.hasPrefix("worker-1/resources/default/app-stack/") }, "the stack itself only targets the platform")

            // The database request ran its own workflow; the runtime carries the database's address.
            #expect(await platform.get(postgresqls, "my-app-stack", namespace: "default")?.condition("Reconciled")?["status"] == "True")
            #expect(await platform.get(.secrets, "my-app-stack-postgresql.credentials", namespace: "default") != nil)
            #expect(files.contains("worker-1/resources/default/postgresql/my-app-stack/instance-configure/\(Self.root)/postgres-cluster.yaml"), "\(files)")
            let runtime = try #require(await platform.get(Self.runtimes, "my-app-stack", namespace: "default"))
            #expect(runtime[at: ["spec", "image"]] == "syntasso/sample-todo:v0.1.0")
            #expect(runtime[at: ["spec", "applicationEnv"]]?.arrayValue?.first?["value"] == "my-app-stack-my-app-stack-postgresql.default.svc")
            // Reconciled means its Work is scheduled; the file follows with the placement's write.
            let path = "worker-1/resources/default/runtime/my-app-stack/instance/\(Self.root)/deployment.yaml"
            _ = await platform.eventually { try await repository.show(path) != nil }
            let deployment = try await repository.show(path) ?? ""
            #expect(deployment.contains("image: syntasso/sample-todo:v0.1.0"), "\(deployment)")
        }
    }
}
