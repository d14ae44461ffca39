import Foundation
import KratixAPI
import KratixControllers
import KratixTestSupport
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixWebhooks

/// revisions-dryrun-and-2026-changes.md §4 acceptance scenarios 1–11, each through the handler
/// the manager serves at that webhook's path, with a real API server behind it (the Promise
/// webhook's CRD and Job checks are server-side dry runs there).
@Suite struct AdmissionHandlerTests {
    static func object(_ yaml: String) throws -> KubeObject {
        let value = try #require(try YAMLReader.documents(in: yaml).first?.value)
        return try #require(KubeObject(value))
    }

    static func request(_ operation: AdmissionRequest.Operation, _ object: KubeObject?, old: KubeObject? = nil, user: String = "admin") -> AdmissionRequest {
        AdmissionRequest(uid: UUID().uuidString, operation: operation, name: object?.name ?? old?.name ?? "", namespace: object?.namespace ?? "",
                         username: user, object: object, oldObject: old)
    }

    static func promise(name: String = "demo", scope: String = "Namespaced", kind: String = "Demo", extra: String = "", metadata: String = "") -> String {
        TestPromises.promise(name, kind: kind, scope: scope, extra: extra, metadata: metadata)
    }

    static func pipelines(_ names: [String]) -> String {
        TestPromises.resourcePipelines(names)
    }

    /// Runs `body` with the handlers of every path, backed by a fresh API server.
    static func withHandlers(_ body: ([String: any AdmissionHandler], KubeClient) async throws -> Void) async throws {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration)
            do {
                _ = try? await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: KratixGroup.systemNamespace))
                for crd in KratixCRDs.all { _ = try await client.create(.customResourceDefinitions, try #require(KubeObject(crd.json))) }
                let handlers = KratixWebhookTable.handlers(client: client, reader: LiveReader(client: client), configuration: KratixConfiguration())
                try await body(handlers, client)
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static func handler(_ name: String, _ handlers: [String: any AdmissionHandler]) throws -> any AdmissionHandler {
        let path = try #require(KratixWebhookTable.endpoints.first { $0.name == name }?.path)
        return try #require(handlers[path])
    }

    @Test func promisesAreRefusedWithUpstreamsMessages() async throws {
        try await Self.withHandlers { handlers, client in
            let validate = try Self.handler("vpromise.kb.io", handlers)
            // 1. A cluster-scoped API.
            var response = await validate.admit(Self.request(.create, try Self.object(Self.promise(scope: "Cluster"))))
            #expect(response.message == "promise api needs to be namespace scoped; spec.api.spec.scope cannot be: Cluster")
            // 2. Two pipelines with one name.
            response = await validate.admit(Self.request(.create, try Self.object(Self.promise(extra: Self.pipelines(["p", "p"])))))
            #expect(response.message == "duplicate pipeline name \"p\" in workflow \"resource\" action \"configure\"")
            // 3. A pipeline ID over 60 characters.
            response = await validate.admit(Self.request(.create, try Self.object(Self.promise(
                name: "averyveryverylongpromisename", extra: Self.pipelines(["a-pipeline-name-that-is-long-enough"])))))
            #expect(!response.allowed && response.message?.contains("cannot be longer than 60 characters in total") == true, "\(response)")
            // 4. A workflow interval under a minute.
            response = await validate.admit(Self.request(.create, try Self.object(Self.promise(
                extra: Self.pipelines(["p"]) + "    config: {reconciliationInterval: 30s}\n"))))
            #expect(response.message == "spec.workflows.config.reconciliationInterval: Invalid value: \"30s\": must be at least 1m0s", "\(response)")
            // 5. An annotation that is not a duration.
            response = await validate.admit(Self.request(.create, try Self.object(Self.promise(
                metadata: "  annotations: {kratix.io/reconciliation-interval: 1d}"))))
            #expect(response.message == "metadata.annotations[kratix.io/reconciliation-interval]: Invalid value: \"1d\": must be a valid duration")
            // A valid Promise passes, and nothing was created by the dry runs.
            response = await validate.admit(Self.request(.create, try Self.object(Self.promise(extra: Self.pipelines(["p"])))))
            #expect(response.allowed && response.warnings.isEmpty, "\(response)")
            #expect(try await client.getOptional(.customResourceDefinitions, name: "demos.test.kratix.io") == nil)
            #expect(try await client.list(.jobs, namespace: KratixGroup.systemNamespace).items.isEmpty)
        }
    }

    @Test func aPromisesAPIIdentityCannotChangeAndRequirementsWarn() async throws {
        try await Self.withHandlers { handlers, _ in
            let validate = try Self.handler("vpromise.kb.io", handlers)
            // 6. Another kind on update.
            let old = try Self.object(Self.promise())
            var changed = try Self.object(Self.promise(kind: "Other"))
            changed.json["spec"]?["api"]?["metadata"] = ["name": "demos.test.kratix.io"]
            changed.json["spec"]?["api"]?["spec"]?["names"]?["plural"] = "demos"
            let response = await validate.admit(Self.request(.update, changed, old: old))
            #expect(response.message?.hasPrefix("promises.platform.kratix.io \"demo\" was not valid:\n") == true, "\(response)")
            #expect(response.message?.contains("* spec.api.spec.names: Invalid value: {\"plural\": \"demos\", \"singular\": \"other\", \"kind\": \"Other\"}: field is immutable") == true)
            let removed = await validate.admit(Self.request(.update, try Self.object("apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: demo}\nspec: {}\n"), old: old))
            #expect(removed.message == "cannot remove API from existing promise")
            // 7. A requirement that is not installed: allowed, with warnings.
            let requiring = await validate.admit(Self.request(.create, try Self.object(Self.promise(
                extra: "  requiredPromises: [{name: nope, version: v1}]"))))
            #expect(requiring.allowed)
            #expect(requiring.warnings == ["Required Promise \"nope\" at version \"v1\" not installed",
                                          "Promise will not be available until the above issue(s) is resolved"])
            // The mutating webhook answers and changes nothing.
            let mutated = await (try Self.handler("mpromise.kb.io", handlers)).admit(Self.request(.create, old))
            #expect(mutated.allowed && mutated.patch.isEmpty)
        }
    }

    @Test func destinationsStoresAndReleases() async throws {
        try await Self.withHandlers { handlers, client in
            let validate = try Self.handler("vdestination.kb.io", handlers)
            func destination(_ name: String, path: String, store: String = "s", kind: String = "GitStateStore", filepath: String = "") throws -> KubeObject {
                try Self.object("""
                    apiVersion: platform.kratix.io/v1alpha1
                    kind: Destination
                    metadata: {name: \(name)}
                    spec: {path: "\(path)", stateStoreRef: {kind: \(kind), name: \(store)}\(filepath)}
                    """)
            }
            // 8. Path required; missing store warns; a second Destination on the same path is refused.
            #expect(await validate.admit(Self.request(.create, try destination("a", path: ""))).message == "path field is required")
            let missingStore = await validate.admit(Self.request(.create, try destination("a", path: "p", store: "g")))
            #expect(missingStore.allowed && missingStore.warnings == ["referenced GitStateStore \"g\" does not exist"])
            _ = try await client.create(Destination.groupVersionResource, try destination("first", path: "p"))
            let clash = await validate.admit(Self.request(.create, try destination("second", path: "p")))
            #expect(clash.message == "destination path 'p' already exists for state store 's'")
            let itself = await validate.admit(Self.request(.update, try destination("first", path: "p"), old: try destination("first", path: "p")))
            #expect(itself.allowed)
            // aggregatedYAML without a filename gets aggregated.yaml.
            let defaulted = await (try Self.handler("mdestination.kb.io", handlers)).admit(Self.request(
                .create, try destination("agg", path: "q", filepath: ", filepath: {mode: aggregatedYAML}")))
            #expect(defaulted.patch == [["op": "add", "path": "/spec/filepath/filename", "value": "aggregated.yaml"]])

            // 9. A BucketStateStore with access keys needs its Secret named.
            let bucket = try Self.handler("vbucketstatestore-v1alpha1.kb.io", handlers)
            let noSecret = await bucket.admit(Self.request(.create, try Self.object(
                "apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata: {name: b}\nspec: {bucketName: x, endpoint: e, authMethod: accessKey}\n")))
            #expect(noSecret.message == "spec.secretRef must be set when using authentication method accessKey")
            let iam = await bucket.admit(Self.request(.create, try Self.object(
                "apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata: {name: b}\nspec: {bucketName: x, endpoint: e, authMethod: IAM}\n")))
            #expect(iam.allowed)

            // 10. A PromiseRelease needs a URL.
            let release = await (try Self.handler("vpromiserelease.kb.io", handlers)).admit(Self.request(.create, try Self.object(
                "apiVersion: platform.kratix.io/v1alpha1\nkind: PromiseRelease\nmetadata: {name: r}\nspec: {version: v1, sourceRef: {type: http, url: \"\"}}\n")))
            #expect(release.message == "sourceRef.url must be set")
            let unreachable = await (try Self.handler("vpromiserelease.kb.io", handlers)).admit(Self.request(.create, try Self.object(
                "apiVersion: platform.kratix.io/v1alpha1\nkind: PromiseRelease\nmetadata: {name: r}\nspec: {version: v1, sourceRef: {type: http, url: \"http://127.0.0.1:1/p.yaml\"}}\n")))
            #expect(unreachable.message?.hasPrefix("failed to fetch promise: ") == true, "\(unreachable)")
        }
    }

    @Test func theLatestRevisionIsNotDeletedByUsers() async throws {
        try await Self.withHandlers { handlers, _ in
            let revisions = try Self.handler("vpromiserevision-v1alpha1.kb.io", handlers)
            var latest = try Self.object("apiVersion: platform.kratix.io/v1alpha1\nkind: PromiseRevision\nmetadata: {name: demo-2888c}\nspec: {version: v1}\n")
            latest.status = ["latest": true]
            // 11.
            #expect(await revisions.admit(Self.request(.delete, nil, old: latest, user: "jane")).message == "can not delete the latest PromiseRevision")
            #expect(await revisions.admit(Self.request(.delete, nil, old: latest, user: "system:serviceaccount:kratix-platform-system:kratix-platform-controller-manager")).allowed)
            #expect(await revisions.admit(Self.request(.delete, nil, old: latest, user: "system:serviceaccount:kube-system:generic-garbage-collector")).allowed)
            latest.status = [:]
            #expect(await revisions.admit(Self.request(.delete, nil, old: latest, user: "jane")).allowed)
            // The interval annotation rule, on create and on a changed value only.
            var annotated = latest
            annotated.annotations = ["kratix.io/reconciliation-interval": "30s"]
            #expect(await revisions.admit(Self.request(.create, annotated)).message
                    == "metadata.annotations[kratix.io/reconciliation-interval]: Invalid value: \"30s\": must be at least 1m0s")
            #expect(await revisions.admit(Self.request(.update, annotated, old: annotated)).allowed, "an unchanged value is grandfathered")
        }
    }
}
