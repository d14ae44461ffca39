import Foundation
import KratixTestSupport
import KratixAPI
import KratixStateStore
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

@Suite("WorkPlacements and Destinations written to a real Git repository", .serialized)
struct GitStoreWriteTests {
    static let tenHours = ReconcileAction.requeueAfter(.seconds(36_000))

    static func work(_ name: String, resource: String? = "example", selector: [String: String] = ["env": "dev"],
                     files: [String: String]) -> Work {
        var work = SchedFixtures.work(name, resource: resource, groups: [SchedFixtures.group(files: files, selectors: [
            SchedFixtures.selector(selector, "promise"),
        ])])
        work.metadata.uid = nil
        work.metadata.generation = nil
        return work
    }

    /// Schedules a Work and writes each of its placements (two passes: finalizers, then the write).
    static func scheduleAndWrite(_ c: SchedCluster, _ work: Work) async throws -> [WorkPlacement] {
        _ = try await c.create(work)
        _ = try await c.settleWork(work.name, namespace: work.metadata.namespace ?? "default")
        for placement in try await c.placements(of: work.name, namespace: work.metadata.namespace ?? "default") {
            let key = ObjectKey(namespace: placement.metadata.namespace, name: placement.name)
            var action = try await c.placements.reconcile(key)
            if action == .requeueAfter(.seconds(5)) { action = try await c.placements.reconcile(key) }
            #expect(action == tenHours, "\(placement.name)")
        }
        return try await c.placements(of: work.name, namespace: work.metadata.namespace ?? "default")
    }

    static func deletePlacement(_ c: SchedCluster, _ placement: WorkPlacement) async throws {
        try await c.delete(WorkPlacement.self, placement.name, namespace: placement.metadata.namespace)
        #expect(try await c.placements.reconcile(ObjectKey(namespace: placement.metadata.namespace, name: placement.name)) == .done)
        #expect(try await c.exists(WorkPlacement.self, placement.name, namespace: placement.metadata.namespace) == false)
    }

    @Test func nestedByMetadataCanaryWriteRewriteAndDelete() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo, path: "platform")
            #expect(await c.registry.writer(for: .init(kind: .gitStateStore, name: "default")) != nil)
            #expect(try await c.events(about: "default").contains("Normal Ready: GitStateStore \"default\" is ready"))

            let destination = try await c.readyDestination(SchedFixtures.destination("worker-1", labels: ["env": "dev"], path: "dev"))
            #expect(destination.status?.conditions?[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] }
                == ["True", "TestDocumentsWritten", "Test documents written to State Store"])
            #expect(try await c.events(about: "worker-1").contains("Normal DestinationReady: Destination is Ready"))
            #expect(try await repo.show("platform/dev/dependencies/kratix-canary-namespace.yaml") == CanaryDocuments.namespaceDocument)
            #expect(try await repo.show("platform/dev/resources/kratix-canary-configmap.yaml") == CanaryDocuments.configMapDocument)
            #expect(try await repo.log().first == "Update from: kratix-canary")
            #expect(try await repo.author() == "kratix <>")

            let files = ["redis.yaml": "apiVersion: v1\nkind: ConfigMap\n", "sub/dir/deployment.yaml": "kind: Deployment\n"]
            let placements = try await Self.scheduleAndWrite(c, Self.work("redis-example-configure-1a2b3", files: files))
            let placement = try #require(placements.first)
            let dir = "platform/dev/resources/default/redis/example/instance-configure/5058f"
            #expect(try await repo.files().sorted() == ["README.md", "\(dir)/redis.yaml", "\(dir)/sub/dir/deployment.yaml",
                                                        "platform/dev/dependencies/kratix-canary-namespace.yaml",
                                                        "platform/dev/resources/kratix-canary-configmap.yaml"].sorted())
            #expect(try await repo.show("\(dir)/redis.yaml") == files["redis.yaml"])
            #expect(try await repo.show("\(dir)/sub/dir/deployment.yaml") == files["sub/dir/deployment.yaml"])
            #expect(try await repo.log().first == "Update from: \(placement.name)")
            let head = try await repo.head()
            #expect(placement.status?.versionID == head)
            let conditions = placement.status?.conditions ?? []
            #expect(conditions[type: "WriteSucceeded"].map { [$0.status.rawValue, $0.reason, $0.message] }
                == ["True", "WorkloadsWrittenToStateStore", "Workloads written to State Store"])
            #expect(conditions[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] } == ["True", "WorkloadsWrittenToTargetDestination", "Ready"])
            #expect(try await c.events(about: placement.name).contains(
                "Normal WorkloadsWrittenToStateStore: successfully written to Destination: worker-1 with versionID: \(head)"))

            // A file deleted on the remote behind Kratix's back comes back on the next write.
            let clone = c.scratch + "/drift"
            try await TestShell.check("git", ["clone", "--quiet", repo.url, clone])
            try await TestShell.check("git", ["rm", "--quiet", "\(dir)/redis.yaml"], cwd: clone)
            try await TestShell.check("git", ["-c", "user.name=x", "-c", "user.email=x@y", "commit", "--quiet", "-m", "drift"], cwd: clone)
            try await TestShell.check("git", ["push", "--quiet", "origin", "main"], cwd: clone)
            #expect(try await repo.show("\(dir)/redis.yaml") == nil)
            let key = ObjectKey(namespace: "default", name: placement.name)
            #expect(try await c.placements.reconcile(key) == Self.tenHours)
            #expect(try await repo.show("\(dir)/redis.yaml") == files["redis.yaml"])
            #expect(try await c.get(WorkPlacement.self, placement.name, namespace: "default").status?.versionID == (try await repo.head()))

            // Nothing changed: no commit, the version stays.
            let commits = try await repo.log().count
            #expect(try await c.placements.reconcile(key) == Self.tenHours)
            #expect(try await repo.log().count == commits)

            try await Self.deletePlacement(c, placement)
            #expect(try await repo.files().filter { $0.hasPrefix(dir) }.isEmpty)
            #expect(try await repo.log().first == "Delete from: \(placement.name)")
        }
    }

    @Test func aggregatedYAMLBundlesEveryPlacementOfTheDestination() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo)
            try await c.readyDestination(SchedFixtures.destination("agg", labels: ["mode": "agg"], path: "agg", mode: .aggregatedYAML,
                                                                   filename: "catalog.yaml"))
            #expect(try await repo.show("agg/kratix-canary-namespace.yaml") == CanaryDocuments.namespaceDocument)
            #expect(try await repo.show("agg/kratix-canary-configmap.yaml") == CanaryDocuments.configMapDocument)

            let deps = try await Self.scheduleAndWrite(c, Self.work("redis-promise-configure-aaaaa", resource: nil, selector: ["mode": "agg"],
                                                                    files: ["ns.yaml": "kind: Namespace\n"]))
            let one = try await Self.scheduleAndWrite(c, Self.work("redis-one-configure-bbbbb", resource: "one", selector: ["mode": "agg"],
                                                                   files: ["a.yaml": "kind: A\n", "b.yaml": "kind: B"]))
            #expect(try await repo.files().filter { $0.hasPrefix("agg/") }.sorted()
                == ["agg/catalog.yaml", "agg/kratix-canary-configmap.yaml", "agg/kratix-canary-namespace.yaml"])
            // Sorted by WorkPlacement name: redis-one… before redis-promise….
            #expect(try await repo.show("agg/catalog.yaml") == "kind: A\n\n---\nkind: B\n---\nkind: Namespace\n")

            try await Self.deletePlacement(c, try #require(one.first))
            #expect(try await repo.show("agg/catalog.yaml") == "kind: Namespace\n")
            try await Self.deletePlacement(c, try #require(deps.first))
            #expect(try await repo.show("agg/catalog.yaml") == nil)
            #expect(try await repo.show("agg/kratix-canary-namespace.yaml") != nil)
        }
    }

    @Test func flatModeTracksItsFilesInTheStateFile() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo)
            try await c.readyDestination(SchedFixtures.destination("flat", labels: ["mode": "flat"], path: "flat", mode: .none))
            // A co-tenant's file in the same directory.
            let clone = c.scratch + "/tenant"
            try await TestShell.check("git", ["clone", "--quiet", repo.url, clone])
            try FileManager.default.createDirectory(atPath: clone + "/flat", withIntermediateDirectories: true)
            try Data("kind: Mine\n".utf8).write(to: URL(fileURLWithPath: clone + "/flat/user.yaml"))
            try await TestShell.check("git", ["add", "-A"], cwd: clone)
            try await TestShell.check("git", ["-c", "user.name=x", "-c", "user.email=x@y", "commit", "--quiet", "-m", "tenant"], cwd: clone)
            try await TestShell.check("git", ["push", "--quiet", "origin", "main"], cwd: clone)

            var work = Self.work("redis-example-configure-ccccc", selector: ["mode": "flat"],
                                 files: ["configmap.yaml": "kind: ConfigMap\n", "sub/deployment.yaml": "kind: Deployment\n"])
            let placement = try #require(try await Self.scheduleAndWrite(c, work).first)
            #expect(placement.metadata.finalizers?.sorted() == ["finalizers.workplacement.kratix.io/kratix-dot-files-cleanup",
                                                                "finalizers.workplacement.kratix.io/repo-cleanup"])
            let statePath = "flat/.kratix/default-\(placement.name).yaml"
            #expect(try await repo.show(statePath) == "files:\n- flat/configmap.yaml\n- flat/sub/deployment.yaml\n")
            #expect(try await repo.show("flat/configmap.yaml") == "kind: ConfigMap\n")
            #expect(try await repo.show("flat/sub/deployment.yaml") == "kind: Deployment\n")

            // The pipeline stops producing a file: it is removed, the co-tenant's stays.
            work = try await c.get(Work.self, work.name, namespace: "default")
            work.spec.workloadGroups = [SchedFixtures.group(files: ["configmap.yaml": "kind: ConfigMap\nv: 2\n"],
                                                            selectors: [SchedFixtures.selector(["mode": "flat"], "promise")])]
            _ = try await c.client.api(Work.self, namespace: "default").update(work)
            #expect(try await c.works.reconcile(ObjectKey(namespace: "default", name: work.name)) == .done)
            #expect(try await c.placements.reconcile(ObjectKey(namespace: "default", name: placement.name)) == Self.tenHours)
            #expect(try await repo.show(statePath) == "files:\n- flat/configmap.yaml\n")
            #expect(try await repo.show("flat/sub/deployment.yaml") == nil)
            #expect(try await repo.show("flat/configmap.yaml") == "kind: ConfigMap\nv: 2\n")

            try await Self.deletePlacement(c, placement)
            #expect(try await repo.files().filter { $0.hasPrefix("flat/") }.sorted()
                == ["flat/kratix-canary-configmap.yaml", "flat/kratix-canary-namespace.yaml", "flat/user.yaml"])
        }
    }

    @Test func cleanupAllEmptiesTheDestinationBeforeItGoes() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo)
            var destination = SchedFixtures.destination("worker-1", labels: ["env": "dev"], path: "worker-1")
            destination.spec.cleanup = .all
            let ready = try await c.readyDestination(destination)
            #expect(ready.metadata.finalizers == ["kratix.io/destination-cleanup"])
            let placement = try #require(try await Self.scheduleAndWrite(c, Self.work("redis-example-configure-ddddd", files: ["ns.yaml": "kind: A\n"])).first)
            #expect(try await repo.files().contains { $0.hasPrefix("worker-1/resources/default/redis/example/") })

            try await c.delete(Destination.self, "worker-1")
            let key = ObjectKey(name: "worker-1")
            #expect(try await c.destinations.reconcile(key) == .requeueAfter(.seconds(15))) // placements deleted, waiting
            #expect(try await c.get(WorkPlacement.self, placement.name, namespace: "default").metadata.isBeingDeleted)
            #expect(try await c.placements.reconcile(ObjectKey(namespace: "default", name: placement.name)) == .done)
            #expect(try await c.destinations.reconcile(key) == .done)
            #expect(try await c.exists(Destination.self, "worker-1") == false)
            #expect(try await repo.files().filter { $0.hasPrefix("worker-1/") }.isEmpty)
        }
    }

    @Test func placementsOfAVanishedDestinationLoseTheirFinalizersAndFilesStay() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo)
            try await c.readyDestination(SchedFixtures.destination("worker-1", labels: ["env": "dev"]))
            let placement = try #require(try await Self.scheduleAndWrite(c, Self.work("redis-example-configure-eeeee", files: ["a.yaml": "kind: A\n"])).first)
            try await c.delete(Destination.self, "worker-1") // cleanup: none, no finalizer
            let key = ObjectKey(namespace: "default", name: placement.name)
            #expect(try await c.placements.reconcile(key) == .done)
            #expect(try await c.get(WorkPlacement.self, placement.name, namespace: "default").metadata.finalizers == nil)
            try await c.delete(WorkPlacement.self, placement.name, namespace: "default")
            #expect(try await c.exists(WorkPlacement.self, placement.name, namespace: "default") == false)
            #expect(try await repo.show("worker-1/resources/default/redis/example/instance-configure/5058f/a.yaml") == "kind: A\n")
        }
    }

    @Test func unreadableWorkloadFailsTheWriteWithConditionsAndEvent() async throws {
        try await SchedCluster.with { c in
            let repo = try await SchedBareRepo.make(in: c.scratch)
            _ = try await c.readyGitStore(repo)
            try await c.readyDestination(SchedFixtures.destination("worker-1", labels: ["env": "dev"]))
            var work = Self.work("redis-example-configure-fffff", files: ["a.yaml": "kind: A\n"])
            work.spec.workloadGroups?[0].workloads = [Workload(filepath: "a.yaml", content: "not gzip")]
            _ = try await c.create(work)
            _ = try await c.settleWork(work.name)
            let placement = try #require(try await c.placements(of: work.name).first)
            let key = ObjectKey(namespace: "default", name: placement.name)
            #expect(try await c.placements.reconcile(key) == .requeueAfter(.seconds(15)))
            let failed = try await c.get(WorkPlacement.self, placement.name, namespace: "default")
            #expect(failed.status?.conditions?[type: "WriteSucceeded"]?.reason == "WorkloadsFailedWrite")
            #expect(failed.status?.conditions?[type: "WriteSucceeded"]?.message?.contains("a.yaml") == true)
            #expect(failed.status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] } == ["WorkloadsFailedWrite", "Failing"])
            #expect(try await c.events(about: placement.name).contains { $0.hasPrefix("Warning FailedWriteToDestination: failed writing to Destination: worker-1 with error: ") })
            // The Work reports the failing placement.
            #expect(try await c.works.reconcile(ObjectKey(namespace: "default", name: work.name)) == .done)
            let stored = try await c.get(Work.self, work.name, namespace: "default")
            #expect(stored.status?.conditions?[type: "ScheduleSucceeded"]?.message == "Workplacements failed to write: [\(placement.name)]")
            #expect(stored.status?.conditions?[type: "Ready"]?.message == "Failing")
        }
    }
}
