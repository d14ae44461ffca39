import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

@Suite("Work reconciler against the embedded API server", .serialized)
struct WorkReconcilerTests {
    static let root = SchedFixtures.group(selectors: [SchedFixtures.selector(["env": "dev"], "promise")])
    static let extras = SchedFixtures.group("extras", id: "0f0e0d0c0b0a09080706050403020100", files: ["extras/monitor.yaml": "kind: Monitor\n"],
                                            selectors: [SchedFixtures.selector(["zone": "eu"], "resource-workflow")])

    static func newWork(_ name: String, resource: String? = "example", groups: [WorkloadGroup]) -> Work {
        var work = SchedFixtures.work(name, groups: groups)
        work.spec.resourceName = resource
        work.metadata.uid = nil
        work.metadata.generation = nil
        return work
    }

    @Test func schedulesTwoGroupsThenReportsMisplacedAndDanglingPlacements() async throws {
        try await SchedCluster.with { c in
            _ = try await c.create(SchedFixtures.destination("worker-1", labels: ["env": "dev"]))
            _ = try await c.create(SchedFixtures.destination("worker-2", labels: ["env": "dev", "zone": "eu"]))
            _ = try await c.create(SchedFixtures.destination("worker-3"))
            let work = try await c.create(Self.newWork("redis-example-configure-1a2b3", groups: [Self.extras, Self.root]))
            let key = ObjectKey(namespace: "default", name: work.name)

            #expect(try await c.works.reconcile(key) == .done)
            #expect(try await c.get(Work.self, work.name, namespace: "default").metadata.finalizers == ["kratix.io/work-cleanup"])
            #expect(try await c.works.reconcile(key) == .done)

            let placements = try await c.placements(of: work.name)
            #expect(placements.map(\.name) == ["redis-example-configure-1a2b3.worker-1-5058f", "redis-example-configure-1a2b3.worker-2-0f0e0"])
            let first = try #require(placements.first)
            #expect(first.metadata.labels == ["kratix.io/work": work.name, "kratix.io/workload-group-id": WorkPlacementNaming.rootGroupID,
                                              "kratix.io/targetDestinationName": "worker-1", "kratix.io/pipeline-name": "instance-configure"])
            #expect(first.metadata.finalizers == ["finalizers.workplacement.kratix.io/repo-cleanup"])
            #expect(first.metadata.ownerReferences?.first?.uid == work.metadata.uid)
            #expect(first.metadata.ownerReferences?.first?.controller == true)
            #expect(first.spec.workGeneration == work.metadata.generation)
            #expect(placements[1].spec.workloads == Self.extras.workloads)
            let conditions = first.status?.conditions ?? []
            #expect(conditions[type: "ScheduleSucceeded"].map { [$0.status.rawValue, $0.reason, $0.message] }
                == ["True", "ScheduledToDestination", "Scheduled to correct Destination"])
            #expect(conditions[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] } == ["False", "ScheduledToDestination", "Pending"])

            var stored = try await c.get(Work.self, work.name, namespace: "default")
            #expect(stored.status?.workPlacements == 2 && stored.status?.workPlacementsCreated == 2)
            #expect(stored.status?.conditions?[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] }
                == ["True", "AllWorkplacementsScheduled", "Ready"])
            #expect(stored.status?.conditions?[type: "ScheduleSucceeded"]?.message == "All workplacements scheduled successfully")
            let workEvents = try await c.events(about: work.name)
            #expect(workEvents.contains("Normal WorkplacementReconciled: workplacement reconciled: redis-example-configure-1a2b3.worker-1-5058f, operation: created"))
            #expect(workEvents.contains("Normal AllWorkplacementsScheduled: All workplacements scheduled successfully"))

            // A second pass changes nothing.
            let before = try await c.placements(of: work.name).map(\.metadata.resourceVersion)
            #expect(try await c.works.reconcile(key) == .done)
            #expect(try await c.placements(of: work.name).map(\.metadata.resourceVersion) == before)

            // worker-2 loses its zone label: the extras placement stays, marked misplaced.
            var worker2 = try await c.get(Destination.self, "worker-2")
            worker2.metadata.labels = ["env": "dev"]
            _ = try await c.client.api(Destination.self).update(worker2)
            #expect(try await c.works.reconcile(key) == .done)
            let misplaced = try await c.get(WorkPlacement.self, "redis-example-configure-1a2b3.worker-2-0f0e0", namespace: "default")
            #expect(misplaced.metadata.labels?["kratix.io/misplaced"] == "true")
            #expect(misplaced.status?.conditions?[type: "ScheduleSucceeded"]?.reason == "DestinationSelectorMismatch")
            #expect(misplaced.status?.conditions?[type: "Ready"]?.message == "Misplaced")
            #expect(try await c.events(about: misplaced.name).contains(
                "Warning DestinationSelectorMismatch: labels for destination: worker-2 no longer match the expected labels, marking this workplacement as misplaced"))
            stored = try await c.get(Work.self, work.name, namespace: "default")
            #expect(stored.status?.conditions?[type: "Ready"].map { [$0.reason, $0.message] } == ["Misplaced", "Misplaced"])
            #expect(try await c.placements(of: work.name).count == 2)

            // The extras group leaves the spec: its placement is dangling and deleted.
            stored.spec.workloadGroups = [Self.root]
            _ = try await c.client.api(Work.self, namespace: "default").update(stored)
            #expect(try await c.works.reconcile(key) == .done)
            let remaining = try await c.placements(of: work.name)
            #expect(remaining.first { $0.name.hasSuffix("worker-2-0f0e0") }?.metadata.isBeingDeleted == true)
            stored = try await c.get(Work.self, work.name, namespace: "default")
            #expect(stored.status?.conditions?[type: "Ready"]?.message == "Ready")
            #expect(stored.status?.workPlacements == 1)

            // Deleting the Work deletes its placements and lets the Work go at once.
            try await c.delete(Work.self, work.name, namespace: "default")
            #expect(try await c.works.reconcile(key) == .done)
            #expect(try await c.exists(Work.self, work.name, namespace: "default") == false)
            #expect(try await c.placements(of: work.name).allSatisfy(\.metadata.isBeingDeleted))
        }
    }

    @Test func unscheduledWorksWaitAndDependencyWorksFollowNewDestinations() async throws {
        try await SchedCluster.with { c in
            _ = try await c.create(SchedFixtures.destination("worker-1", labels: ["env": "dev"]))
            let waiting = try await c.create(Self.newWork("redis-waiting-abcde", groups: [Self.extras]))
            #expect(try await c.settleWork(waiting.name) == .requeueAfter(.seconds(60)))
            let stored = try await c.get(Work.self, waiting.name, namespace: "default")
            #expect(stored.status?.conditions?[type: "ScheduleSucceeded"].map { [$0.status.rawValue, $0.reason, $0.message] }
                == ["False", "UnscheduledWorkloads", "No matching destination found for workloadGroups: [0f0e0d0c0b0a09080706050403020100]"])
            #expect(stored.status?.conditions?[type: "Ready"]?.message == "Pending")
            #expect(stored.status?.workPlacementsCreated == 0)
            let events = try await c.events(about: waiting.name)
            #expect(events.contains("Normal NoMatchingDestination: waiting for a destination with labels for workloadGroup: 0f0e0d0c0b0a09080706050403020100"))
            #expect(events.contains("Normal WaitingDestination: waiting for destination for workload group: [0f0e0d0c0b0a09080706050403020100]"))

            // A dependency Work goes everywhere that matches, and gains new Destinations.
            let deps = try await c.create(Self.newWork("redis-promise-configure-fghij", resource: nil, groups: [Self.root]))
            #expect(try await c.settleWork(deps.name) == .done)
            #expect(try await c.placements(of: deps.name).map(\.spec.targetDestinationName) == ["worker-1"])
            _ = try await c.create(SchedFixtures.destination("worker-2", labels: ["env": "dev"]))
            #expect(try await c.works.reconcile(ObjectKey(namespace: "default", name: deps.name)) == .done)
            #expect(try await c.placements(of: deps.name).map(\.spec.targetDestinationName) == ["worker-1", "worker-2"])

            // An invalid selector fails the group with its conditions and no retry.
            let bad = try await c.create(Self.newWork("redis-bad-klmno", groups: [
                SchedFixtures.group(selectors: [SchedFixtures.selector(["not a key": "x"], "resource-workflow")]),
            ]))
            #expect(try await c.settleWork(bad.name) == .done)
            let failed = try await c.get(Work.self, bad.name, namespace: "default")
            #expect(failed.status?.conditions?[type: "ScheduleSucceeded"].map { [$0.reason, $0.message] }
                == ["FailedToScheduleWorkloads", "Failed to schedule or update for workloadGroups: [5058f1af8388633f609cadb75a75dc9d]"])
            #expect(try await c.placements(of: bad.name).isEmpty)
        }
    }
}
