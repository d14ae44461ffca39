import Foundation
import KratixTestSupport
import KratixAPI
import KratixStateStore
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

@Suite("State stores: Secrets, readiness and S3", .serialized)
struct StateStoreReconcilerTests {
    static let password = "s3cr3t-Pa55word"

    @Test func gitStoreOverHTTPSWithBasicAuthAndItsSecret() async throws {
        try await SchedCluster.with { c in
            let root = c.scratch + "/git"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let repo = try await SchedBareRepo.make(in: root, name: "state.git")
            let server = try await SchedGitHTTPServer.start(root: root, user: "kratix", password: Self.password, in: c.scratch)
            do {
                var store = GitStateStore(name: "default", spec: GitStateStoreSpec(url: server.url("state.git"), branch: "main",
                                                                                   secretRef: SecretReference(name: "git-creds")))
                store.spec.gitAuthor = .init(name: "Kratix Bot", email: "bot@example.com")
                _ = try await c.create(store)
                let key = ObjectKey(name: "default")

                // Missing Secret: condition and event name it; no timed retry.
                #expect(try await c.gitStores.reconcile(key) == .done)
                var stored = try await c.get(GitStateStore.self, "default")
                #expect(stored.status?.status == "NotReady")
                #expect(stored.status?.conditions?[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] }
                    == ["False", "SecretNotFound", "Secret git-creds not found in namespace default"])
                #expect(try await c.events(about: "default").contains("Warning NotReady: Secret git-creds not found in namespace default"))

                // The Destination waits for the store.
                _ = try await c.create(SchedFixtures.destination("worker-1", labels: ["env": "dev"]))
                _ = try await c.destinations.reconcile(ObjectKey(name: "worker-1"))
                #expect(try await c.destinations.reconcile(ObjectKey(name: "worker-1")) == .requeueAfter(.seconds(15)))
                let waiting = try await c.get(Destination.self, "worker-1")
                #expect(waiting.status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] }
                    == ["StateStoreNotReady", "GitStateStore/default: not ready"])
                #expect(try await c.events(about: "worker-1").contains("Warning DestinationNotReady: GitStateStore/default: not ready"))

                // A Secret without the password key.
                try await c.secret("git-creds", ["username": "kratix"])
                #expect(try await c.gitStores.reconcile(key) == .requeueAfter(.seconds(15)))
                stored = try await c.get(GitStateStore.self, "default")
                #expect(stored.status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] }
                    == ["ErrorInitialisingWriter", "unable to create git writer: password not found in secret default/git-creds"])

                // A wrong password: authentication fails; the password never shows.
                try await c.client.delete(.secrets, name: "git-creds", namespace: "default")
                try await c.secret("git-creds", ["username": "kratix", "password": "wrong-\(Self.password)"])
                #expect(try await c.gitStores.reconcile(key) == .requeueAfter(.seconds(15)))
                stored = try await c.get(GitStateStore.self, "default")
                let message = stored.status?.conditions?[type: "Ready"]?.message ?? ""
                #expect(stored.status?.conditions?[type: "Ready"]?.reason == "ErrorInitialisingWriter")
                #expect(message.hasPrefix("unable to clone repository: "))
                #expect(!message.contains(Self.password))
                #expect(try await c.events(about: "default").allSatisfy { !$0.contains(Self.password) })

                // The right password: Ready, and the Destination writes its canary over HTTPS.
                try await c.client.delete(.secrets, name: "git-creds", namespace: "default")
                try await c.secret("git-creds", ["username": "kratix", "password": Self.password])
                #expect(try await c.gitStores.reconcile(key) == .done)
                stored = try await c.get(GitStateStore.self, "default")
                #expect(stored.status?.status == "Ready")
                #expect(stored.status?.observedGeneration == stored.metadata.generation)
                #expect(stored.status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] } == ["StateStoreReady", "State store is ready"])
                #expect(try await c.destinations.reconcile(ObjectKey(name: "worker-1")) == .done)
                #expect(try await c.get(Destination.self, "worker-1").status?.conditions?[type: "Ready"]?.reason == "TestDocumentsWritten")
                #expect(try await repo.show("worker-1/dependencies/kratix-canary-namespace.yaml") == CanaryDocuments.namespaceDocument)
                #expect(try await repo.author() == "Kratix Bot <bot@example.com>")

                // Same generation and Secret version: the writer (and its clone) is reused.
                let fingerprint = await c.registry.fingerprint(for: .init(kind: .gitStateStore, name: "default"))
                #expect(try await c.gitStores.reconcile(key) == .done)
                #expect(await c.registry.fingerprint(for: .init(kind: .gitStateStore, name: "default")) == fingerprint)

                // A Destination on a store that does not exist.
                _ = try await c.create(SchedFixtures.destination("orphan", store: StateStoreReference(kind: .gitStateStore, name: "missing")))
                _ = try await c.destinations.reconcile(ObjectKey(name: "orphan"))
                #expect(try await c.destinations.reconcile(ObjectKey(name: "orphan")) == .requeueAfter(.seconds(15)))
                #expect(try await c.get(Destination.self, "orphan").status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] }
                    == ["StateStoreNotFound", "GitStateStore/missing: not found"])
                #expect(try await c.events(about: "orphan").contains("Warning DestinationNotReady: GitStateStore/missing: not found"))
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    @Test func bucketStoreWritesCanaryAndPlacementsToS3() async throws {
        try TestEnvironment.require("moto_server")
        try await SchedCluster.with { c in
            let moto = try await MotoServer.start(in: c.scratch)
            do {
                var store = BucketStateStore(name: "bucket", spec: BucketStateStoreSpec(bucketName: "kratix", endpoint: moto.endpoint,
                                                                                         secretRef: SecretReference(name: "s3-creds", namespace: "default")))
                store.spec.insecure = true
                _ = try await c.create(store)
                let key = ObjectKey(name: "bucket")
                #expect(try await c.bucketStores.reconcile(key) == .done)
                #expect(try await c.get(BucketStateStore.self, "bucket").status?.conditions?[type: "Ready"]?.reason == "SecretNotFound")
                #expect(try await c.events(about: "bucket").contains("Warning NotReady: Secret s3-creds not found in namespace default"))

                try await c.secret("s3-creds", ["accessKeyID": moto.accessKeyID])
                #expect(try await c.bucketStores.reconcile(key) == .requeueAfter(.seconds(15)))
                #expect(try await c.get(BucketStateStore.self, "bucket").status?.conditions?[type: "Ready"]?.message
                    == "unable to create bucket writer: secret is missing key: secretAccessKey")

                try await c.client.delete(.secrets, name: "s3-creds", namespace: "default")
                try await c.secret("s3-creds", ["accessKeyID": moto.accessKeyID, "secretAccessKey": moto.secretAccessKey])
                #expect(try await c.bucketStores.reconcile(key) == .done)
                #expect(try await c.get(BucketStateStore.self, "bucket").status?.status == "Ready")
                #expect(try await c.events(about: "bucket").contains("Normal Ready: BucketStateStore \"bucket\" is ready"))

                let bucketRef = StateStoreReference(kind: .bucketStateStore, name: "bucket")
                try await c.readyDestination(SchedFixtures.destination("worker-1", labels: ["env": "dev"], path: "worker-1", store: bucketRef))
                var objects = try await moto.contents()
                #expect(objects["worker-1/dependencies/kratix-canary-namespace.yaml"] == CanaryDocuments.namespaceDocument)
                #expect(objects["worker-1/resources/kratix-canary-configmap.yaml"] == CanaryDocuments.configMapDocument)

                let placement = try #require(try await GitStoreWriteTests.scheduleAndWrite(
                    c, GitStoreWriteTests.work("redis-example-configure-1a2b3", files: ["redis.yaml": "kind: Redis\n", "x/y.yaml": "kind: Y\n"])).first)
                objects = try await moto.contents()
                let dir = "worker-1/resources/default/redis/example/instance-configure/5058f"
                #expect(objects.keys.filter { $0.hasPrefix(dir) }.sorted() == ["\(dir)/redis.yaml", "\(dir)/x/y.yaml"])
                #expect(objects["\(dir)/redis.yaml"] == "kind: Redis\n")
                #expect(placement.status?.versionID?.count == 64) // chained over the uploads
                #expect(placement.status?.conditions?[type: "Ready"]?.message == "Ready")

                try await GitStoreWriteTests.deletePlacement(c, placement)
                objects = try await moto.contents()
                #expect(objects.keys.filter { $0.hasPrefix(dir) }.isEmpty)
                #expect(objects.keys.sorted() == ["worker-1/dependencies/kratix-canary-namespace.yaml", "worker-1/resources/kratix-canary-configmap.yaml"])

                // The flat mode on a bucket: files at P, the state file, and only those removed.
                try await c.readyDestination(SchedFixtures.destination("flat", labels: ["mode": "flat"], path: "flat", mode: .none, store: bucketRef))
                let flat = try #require(try await GitStoreWriteTests.scheduleAndWrite(
                    c, GitStoreWriteTests.work("redis-flat-configure-2b3c4", selector: ["mode": "flat"],
                                               files: ["cm.yaml": "kind: ConfigMap\n", "sub/d.yaml": "kind: D\n"])).first)
                objects = try await moto.contents()
                #expect(objects.keys.filter { $0.hasPrefix("flat/") }.sorted() == [
                    "flat/.kratix/default-\(flat.name).yaml", "flat/cm.yaml", "flat/kratix-canary-configmap.yaml",
                    "flat/kratix-canary-namespace.yaml", "flat/sub/d.yaml",
                ])
                #expect(objects["flat/.kratix/default-\(flat.name).yaml"] == "files:\n- flat/cm.yaml\n- flat/sub/d.yaml\n")
                try await GitStoreWriteTests.deletePlacement(c, flat)
                objects = try await moto.contents()
                #expect(objects.keys.filter { $0.hasPrefix("flat/") }.sorted() == ["flat/kratix-canary-configmap.yaml", "flat/kratix-canary-namespace.yaml"])
            } catch {
                await moto.stop()
                throw error
            }
            await moto.stop()
        }
    }

    @Test func bucketStoreWithBadCredentialsFailsPermissionValidation() async throws {
        try TestEnvironment.require("moto_server")
        try await SchedCluster.with { c in
            let moto = try await MotoServer.start(in: c.scratch, checkingCredentials: true)
            do {
                var store = BucketStateStore(name: "bad", spec: BucketStateStoreSpec(bucketName: "kratix", endpoint: moto.endpoint,
                                                                                      secretRef: SecretReference(name: "bad-creds", namespace: "default")))
                store.spec.insecure = true
                _ = try await c.create(store)
                try await c.secret("bad-creds", ["accessKeyID": moto.accessKeyID, "secretAccessKey": "not-the-\(Self.password)"])
                #expect(try await c.bucketStores.reconcile(ObjectKey(name: "bad")) == .requeueAfter(.seconds(15)))
                let condition = try #require(try await c.get(BucketStateStore.self, "bad").status?.conditions?[type: "Ready"])
                #expect(condition.reason == "ErrorValidatingPermissions")
                #expect(condition.message?.hasPrefix("Error validating state store permissions: write permission validation failed: ") == true)
                #expect(condition.message?.contains(Self.password) == false)
                #expect(await c.registry.writer(for: .init(kind: .bucketStateStore, name: "bad")) == nil)
            } catch {
                await moto.stop()
                throw error
            }
            await moto.stop()
        }
    }
}
