import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

@Suite("PromiseRelease, HealthRecord and static dependencies against the embedded API server", .serialized)
struct ReleaseAndHealthTests {
    static let crd: JSONValue = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "redis.test.kratix.io"],
        "spec": [
            "group": "test.kratix.io", "scope": "Namespaced",
            "names": ["kind": "Redis", "plural": "redis", "singular": "redis", "listKind": "RedisList"],
            "versions": [[
                "name": "v1alpha1", "served": true, "storage": true, "subresources": ["status": [:]],
                "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
            ]],
        ],
    ]

    static func promiseYAML(version: String?, name: String = "redis") -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: \(name)
          labels:
        \(version.map { "    kratix.io/promise-version: \($0)" } ?? "    team: platform")
          annotations:
            source: release
        spec:
          destinationSelectors:
          - matchLabels:
              env: dev

        """
    }

    // MARK: PromiseRelease (§9)

    @Test func installsPromisesFromHTTPWithAndWithoutAuthorizationAndDeletesThem() async throws {
        try await SchedCluster.with { c in
            let root = c.scratch + "/www"
            try FileManager.default.createDirectory(atPath: root + "/private", withIntermediateDirectories: true)
            try Data(Self.promiseYAML(version: "v1.2.0").utf8).write(to: URL(fileURLWithPath: root + "/redis.yaml"))
            try Data(Self.promiseYAML(version: "v2.0.0", name: "postgres").utf8).write(to: URL(fileURLWithPath: root + "/private/postgres.yaml"))
            try Data(Self.promiseYAML(version: nil, name: "unversioned").utf8).write(to: URL(fileURLWithPath: root + "/unversioned.yaml"))
            try Data((Self.promiseYAML(version: "v1", name: "a") + "---\n" + Self.promiseYAML(version: "v1", name: "b")).utf8)
                .write(to: URL(fileURLWithPath: root + "/two.yaml"))
            let files = try await SchedHTTPFileServer.start(root: root, token: "Bearer t0ken", in: c.scratch)
            do {
                let releases = PromiseReleaseReconciler(client: c.client, events: c.recorder)

                // Plain URL, version pinned by the first fetch.
                _ = try await c.create(PromiseRelease(name: "redis", spec: PromiseReleaseSpec(sourceRef: .init(url: files.url("redis.yaml")))))
                let key = ObjectKey(name: "redis")
                #expect(try await releases.reconcile(key) == .done) // finalizer
                #expect(try await releases.reconcile(key) == .done) // version written
                #expect(try await c.get(PromiseRelease.self, "redis").spec.version == "v1.2.0")
                #expect(try await releases.reconcile(key) == .done) // installed
                let promise = try await c.get(Promise.self, "redis")
                #expect(promise.metadata.labels == ["kratix.io/promise-version": "v1.2.0", "kratix.io/promise-release-name": "redis"])
                #expect(promise.metadata.annotations?["source"] == "release")
                #expect(promise.spec.destinationSelectors == [PromiseScheduling(matchLabels: ["env": "dev"])])
                let release = try await c.get(PromiseRelease.self, "redis")
                #expect(promise.metadata.ownerReferences?.first.map { [$0.kind, $0.name, $0.uid] } == ["PromiseRelease", "redis", release.metadata.uid ?? ""])
                #expect(release.status?.status == "Installed")
                #expect(release.status?.conditions?[type: "Installed"].map { [$0.status.rawValue, $0.reason, $0.message] }
                    == ["True", "InstalledSuccessfully", "Installed successfully"])
                #expect(try await releases.reconcile(key) == .done) // already installed at that version

                // Authorization from the Secret's `authorizationHeader`.
                try await c.secret("promise-auth", ["authorizationHeader": "Bearer t0ken"])
                var secured = PromiseRelease(name: "postgres", spec: PromiseReleaseSpec(version: "v2.0.0", sourceRef: .init(url: files.url("private/postgres.yaml"))))
                secured.spec.sourceRef?.secretRef = SecretReference(name: "promise-auth", namespace: "default")
                _ = try await c.create(secured)
                _ = try await releases.reconcile(ObjectKey(name: "postgres"))
                #expect(try await releases.reconcile(ObjectKey(name: "postgres")) == .done)
                #expect(try await c.get(Promise.self, "postgres").metadata.labels?["kratix.io/promise-release-name"] == "postgres")

                // Failures: wrong version, no version label, two documents, unreachable.
                let failures: [(String, String?, String, String)] = [
                    ("mismatch", "v9", "redis.yaml", "Version labels do not match, found: v1.2.0, expected: v9"),
                    ("nolabel", "v1", "unversioned.yaml", "Version label not found on Promise"),
                    ("two", "v1", "two.yaml", "Failed to fetch Promise from URL"),
                    ("missing", "v1", "nope.yaml", "Failed to fetch Promise from URL"),
                    ("noauth", "v2.0.0", "private/postgres.yaml", "Failed to fetch Promise from URL"),
                ]
                for (name, version, path, message) in failures {
                    _ = try await c.create(PromiseRelease(name: name, spec: PromiseReleaseSpec(version: version, sourceRef: .init(url: files.url(path)))))
                    _ = try await releases.reconcile(ObjectKey(name: name))
                    await #expect(throws: (any Error).self, "\(name)") { try await releases.reconcile(ObjectKey(name: name)) }
                    let status = try await c.get(PromiseRelease.self, name).status
                    #expect(status?.status == "Error installing", "\(name)")
                    #expect(status?.conditions?[type: "Installed"]?.message == message, "\(name)")
                    #expect(status?.conditions?[type: "Installed"]?.status == .false, "\(name)")
                }

                // Deleting the release deletes its Promise, then lets the release go.
                try await c.delete(PromiseRelease.self, "redis")
                #expect(try await releases.reconcile(key) == .requeueAfter(.seconds(15)))
                #expect(try await c.exists(Promise.self, "redis") == false)
                #expect(try await releases.reconcile(key) == .done)
                #expect(try await c.exists(PromiseRelease.self, "redis") == false)
            } catch {
                await files.stop()
                throw error
            }
            await files.stop()
        }
    }

    // MARK: HealthRecord (§10)

    @Test func healthRecordsBecomeTheRequestsHealthStatus() async throws {
        try await SchedCluster.with { c in
            _ = try await c.client.create(.customResourceDefinitions, KubeObject(Self.crd)!)
            _ = try await c.create(Promise(name: "redis", spec: PromiseSpec(api: Self.crd)))
            let redis = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "redis")
            var request = KubeObject(apiVersion: "test.kratix.io/v1alpha1", kind: "Redis", name: "example", namespace: "default")
            request.json["spec"] = ["size": "small"]
            _ = try await c.client.create(redis, request, namespace: "default")

            func record(_ name: String, _ state: String, details: JSONValue? = nil) -> HealthRecord {
                var data = HealthRecordData()
                data.promiseRef = .init(name: "redis")
                data.resourceRef = .init(name: "example", namespace: "default")
                data.state = HealthRecordData.State(rawValue: state)
                data.lastRun = 1_700_000_000
                data.details = details
                return HealthRecord(name: name, namespace: "default", data: data)
            }
            let health = HealthRecordReconciler(client: c.client, events: c.recorder)
            for record in [record("check-a", "healthy"), record("check-b", "unhealthy", details: ["disk": "full"])] {
                _ = try await c.create(record)
                #expect(try await health.reconcile(ObjectKey(namespace: "default", name: record.name)) == .done) // finalizer
                #expect(try await health.reconcile(ObjectKey(namespace: "default", name: record.name)) == .done)
            }
            var stored = try await c.client.get(redis, name: "example", namespace: "default")
            #expect(stored.json["status"]?["healthStatus"] == [
                "state": "unhealthy",
                "healthRecords": [
                    ["state": "healthy", "lastRun": 1_700_000_000, "source": ["name": "check-a", "namespace": "default"]],
                    ["state": "unhealthy", "lastRun": 1_700_000_000, "source": ["name": "check-b", "namespace": "default"], "details": ["disk": "full"]],
                ],
            ])
            let events = try await c.events(about: "example")
            #expect(events.contains("Normal HealthRecord: Health state is healthy"))
            #expect(events.contains("Warning HealthRecord: Health state is unhealthy"))

            // Deleting a record removes it from the status, then lets it go.
            try await c.delete(HealthRecord.self, "check-b", namespace: "default")
            #expect(try await health.reconcile(ObjectKey(namespace: "default", name: "check-b")) == .requeueAfter(.seconds(15)))
            stored = try await c.client.get(redis, name: "example", namespace: "default")
            #expect(stored.json["status"]?["healthStatus"]?["state"] == "healthy")
            #expect(stored.json["status"]?["healthStatus"]?["healthRecords"]?.arrayValue?.count == 1)
            #expect(try await health.reconcile(ObjectKey(namespace: "default", name: "check-b")) == .done)
            #expect(try await c.exists(HealthRecord.self, "check-b", namespace: "default") == false)
        }
    }

    // MARK: Static dependencies (§2.7)

    @Test func staticDependencyWorkIsCreatedUpdatedAndDeleted() async throws {
        try await SchedCluster.with { c in
            let writer = StaticDependencyWorkWriter(client: c.client)
            var promise = Promise(name: "redis", spec: PromiseSpec(dependencies: [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "a"]]]))
            let created = try #require(try await writer.sync(promise))
            #expect(created.name.hasPrefix("redis-static-deps-") && created.name.count == "redis-static-deps-".count + 5)
            #expect(created.metadata.namespace == "kratix-platform-system")
            #expect(try await writer.sync(promise)?.metadata.resourceVersion == created.metadata.resourceVersion) // unchanged

            promise.spec.dependencies = [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "b"]]]
            let updated = try #require(try await writer.sync(promise))
            #expect(updated.name == created.name)
            #expect(updated.metadata.annotations?["kratix.io/last-updated-at"] != nil)
            let content = try #require(updated.spec.workloadGroups?.first?.workloads?.first?.content)
            #expect(SchedFixtures.text(try WorkloadContent.decode(content)) == "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n")

            // It schedules like any dependency Work.
            _ = try await c.create(SchedFixtures.destination("worker-1"))
            #expect(try await c.settleWork(created.name, namespace: "kratix-platform-system") == .done)
            let placement = try #require(try await c.placements(of: created.name, namespace: "kratix-platform-system").first)
            #expect(placement.metadata.labels?["kratix.io/pipeline-name"] == "")

            promise.spec.dependencies = []
            #expect(try await writer.sync(promise) == nil)
            let remaining = try await c.client.api(Work.self, namespace: "kratix-platform-system").list().items
            #expect(remaining.allSatisfy { $0.metadata.isBeingDeleted })
        }
    }
}
