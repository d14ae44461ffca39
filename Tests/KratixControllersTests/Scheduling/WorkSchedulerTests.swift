import Foundation
import KratixAPI
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

@Suite("Work scheduler (spec §4), pure")
struct WorkSchedulerTests {
    static let first = WorkScheduler(pickIndex: { _ in 0 })
    static let root = SchedFixtures.group(selectors: [SchedFixtures.selector(["env": "dev"], "promise")])
    static let extras = SchedFixtures.group("extras", id: "0f0e0d0c0b0a09080706050403020100",
                                            files: ["extras/monitor.yaml": "kind: Monitor\n"],
                                            selectors: [SchedFixtures.selector(["zone": "eu"], "resource-workflow")])
    static let destinations = [
        SchedFixtures.destination("worker-1", labels: ["env": "dev"]),
        SchedFixtures.destination("worker-2", labels: ["env": "dev", "zone": "eu"]),
        SchedFixtures.destination("worker-3"),
    ]

    // MARK: Placement decisions, table-driven

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var resource: String?
        var groups: [WorkloadGroup]
        var destinations: [Destination]
        var pick: Int = 0
        /// (name, operation, misplaced) for every change, in order.
        var expected: [String: [(String, PlacementChange.Operation, Bool)]]
        var outcomes: [WorkloadGroupPlan.Outcome]
    }

    static let cases: [Case] = [
        Case(description: "resource Work: each group gets one Destination",
             resource: "example", groups: [extras, root], destinations: destinations,
             expected: [extras.id!: [("redis-example-configure-1a2b3.worker-2-0f0e0", .created, false)],
                        root.id!: [("redis-example-configure-1a2b3.worker-1-5058f", .created, false)]],
             outcomes: [.scheduled, .scheduled]),
        Case(description: "resource Work: the random pick is one of the candidates",
             resource: "example", groups: [root], destinations: destinations, pick: 1,
             expected: [root.id!: [("redis-example-configure-1a2b3.worker-2-5058f", .created, false)]],
             outcomes: [.scheduled]),
        Case(description: "dependency Work: every candidate",
             resource: nil, groups: [root], destinations: destinations,
             expected: [root.id!: [("redis-example-configure-1a2b3.worker-1-5058f", .created, false),
                                   ("redis-example-configure-1a2b3.worker-2-5058f", .created, false)]],
             outcomes: [.scheduled]),
        Case(description: "no selector: strict Destinations with labels are skipped, strict ones without labels are not",
             resource: nil, groups: [SchedFixtures.group()],
             destinations: [SchedFixtures.destination("strict", labels: ["env": "dev"], strict: true),
                            SchedFixtures.destination("strict-bare", strict: true), SchedFixtures.destination("lenient", labels: ["a": "b"])],
             expected: [WorkPlacementNaming.rootGroupID: [("redis-example-configure-1a2b3.lenient-5058f", .created, false),
                                                          ("redis-example-configure-1a2b3.strict-bare-5058f", .created, false)]],
             outcomes: [.scheduled]),
        Case(description: "no matching Destination: unscheduled, nothing created",
             resource: "example", groups: [extras], destinations: [SchedFixtures.destination("worker-1", labels: ["env": "dev"])],
             expected: [:], outcomes: [.unscheduled]),
    ]

    @Test(arguments: cases)
    func placesWorkloadGroups(_ c: Case) {
        let scheduler = WorkScheduler(pickIndex: { [pick = c.pick] count in min(pick, count - 1) })
        let work = SchedFixtures.work(resource: c.resource, groups: c.groups)
        let plan = scheduler.plan(work: work, destinations: c.destinations, placements: [])
        #expect(plan.groups.map(\.outcome) == c.outcomes)
        for group in plan.groups {
            let got = group.placements.map { "\($0.placement.name) \($0.operation) \($0.misplaced)" }
            let want = (c.expected[group.groupID] ?? []).map { "\($0.0) \($0.1) \($0.2)" }
            #expect(got == want, "group \(group.groupID)")
        }
        #expect(plan.danglingPlacements.isEmpty)
    }

    // MARK: The WorkPlacement object

    @Test func buildsTheWorkPlacementExactly() throws {
        let work = SchedFixtures.work(groups: [Self.root], annotations: ["kratix.io/trace-parent": "00-abc", "team": "a"])
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [])
        let placement = try #require(plan.changes.first?.placement)
        #expect(placement.name == "redis-example-configure-1a2b3.worker-1-5058f")
        #expect(placement.metadata.namespace == "default")
        #expect(placement.metadata.labels == [
            "kratix.io/work": "redis-example-configure-1a2b3",
            "kratix.io/workload-group-id": "5058f1af8388633f609cadb75a75dc9d",
            "kratix.io/targetDestinationName": "worker-1",
            "kratix.io/pipeline-name": "instance-configure",
        ])
        #expect(placement.metadata.annotations == ["kratix.io/trace-parent": "00-abc", "team": "a"])
        #expect(placement.metadata.finalizers == ["finalizers.workplacement.kratix.io/repo-cleanup"])
        #expect(placement.metadata.ownerReferences == [OwnerReference(apiVersion: "platform.kratix.io/v1alpha1", kind: "Work",
                                                                      name: work.name, uid: "work-uid", controller: true, blockOwnerDeletion: true)])
        #expect(placement.spec.targetDestinationName == "worker-1")
        #expect(placement.spec.id == WorkPlacementNaming.rootGroupID)
        #expect(placement.spec.promiseName == "redis")
        #expect(placement.spec.resourceName == "example")
        #expect(placement.spec.workloads == Self.root.workloads)
        #expect(placement.spec.workGeneration == 3)
        // The JSON name of the generation is `generation`.
        #expect(try placement.toJSON()["spec"]?["generation"] == .int(3))
        #expect(plan.changes.first?.workEvent
            == .normal("WorkplacementReconciled", "workplacement reconciled: redis-example-configure-1a2b3.worker-1-5058f, operation: created"))
    }

    @Test func staticDependencyPlacementsCarryAnEmptyPipelineLabel() throws {
        let work = SchedFixtures.work("redis-static-deps-abcde", namespace: "kratix-platform-system", resource: nil,
                                      groups: [SchedFixtures.group()], pipeline: nil)
        let plan = Self.first.plan(work: work, destinations: [SchedFixtures.destination("worker-1")], placements: [])
        let placement = try #require(plan.changes.first?.placement)
        #expect(placement.metadata.labels?["kratix.io/pipeline-name"] == "")
        #expect(placement.name == "redis-static-deps-abcde.worker-1-5058f")
    }

    @Test func keepsTheWorkPlacementsOwnTraceAnnotations() {
        let annotations = WorkScheduler.annotations(existing: ["kratix.io/trace-parent": "00-mine", "stale": "x"],
                                                    work: ["kratix.io/trace-parent": "00-work", "team": "a"])
        #expect(annotations == ["kratix.io/trace-parent": "00-mine", "team": "a"])
        #expect(WorkScheduler.annotations(existing: nil, work: nil) == nil)
    }

    @Test func refusesAPlacementControlledBySomeoneElse() {
        let work = SchedFixtures.work(groups: [Self.root])
        var foreign = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1")
        foreign.metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "other", uid: "u", controller: true)]
        // Found by name though unlabelled for this group: path B updates by name.
        foreign.metadata.labels = [KratixLabels.work: work.name]
        let plan = WorkScheduler(pickIndex: { _ in 0 }).plan(work: SchedFixtures.work(resource: nil, groups: [Self.root]),
                                                             destinations: Self.destinations, placements: [foreign])
        guard case .failed(let error) = plan.groups[0].outcome else {
            Issue.record("expected a failed group, got \(plan.groups[0].outcome)")
            return
        }
        #expect(error.description.contains("already owned by another controller ConfigMap/other"))
        #expect(plan.firstFailure?.groupID == WorkPlacementNaming.rootGroupID)
    }

    // MARK: Sticky resource placements (path A)

    @Test func resourcePlacementsAreStickyAndMarkedMisplaced() throws {
        let old = SchedFixtures.work(groups: [Self.root], generation: 2)
        let existing = SchedFixtures.placement(for: old, group: Self.root, destination: "worker-3") // no env=dev
        let newRoot = SchedFixtures.group(files: ["doc.yaml": "kind: B\n"], selectors: Self.root.destinationSelectors)
        let work = SchedFixtures.work(groups: [newRoot], generation: 4)
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [existing])
        #expect(plan.groups.map(\.outcome) == [.misplaced])
        let change = try #require(plan.changes.first)
        #expect(plan.changes.count == 1) // never re-chosen
        #expect(change.operation == .updated && change.misplaced && !change.reportedToWork)
        #expect(change.placement.name == existing.name)
        #expect(change.placement.metadata.labels?["kratix.io/misplaced"] == "true")
        #expect(change.placement.spec.workloads == newRoot.workloads) // misplaced placements keep receiving content
        #expect(change.placement.spec.workGeneration == 4)
        #expect(change.placement.metadata.resourceVersion == "7")
        #expect(change.workEvent == nil)
    }

    @Test func stickyPlacementThatStillMatchesIsUnchangedOrUpdated() throws {
        let work = SchedFixtures.work(groups: [Self.root])
        let existing = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-2")
        let same = Self.first.plan(work: work, destinations: Self.destinations, placements: [existing])
        #expect(same.changes.map(\.operation) == [.unchanged])
        #expect(same.groups.map(\.outcome) == [.scheduled])
        var bumped = work
        bumped.metadata.generation = 9
        #expect(Self.first.plan(work: bumped, destinations: Self.destinations, placements: [existing]).changes.map(\.operation) == [.updated])
        // A misplaced label is never removed on this path, even when the target matches again.
        var labelled = existing
        labelled.metadata.labels?[KratixLabels.misplaced] = "true"
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [labelled])
        #expect(plan.changes.first?.placement.metadata.labels?[KratixLabels.misplaced] == "true")
        #expect(plan.changes.first?.misplaced == false)
    }

    @Test func resourceGroupWhoseDestinationWasDeletedIsMisplaced() {
        let work = SchedFixtures.work(groups: [Self.root])
        let existing = SchedFixtures.placement(for: work, group: Self.root, destination: "gone")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [existing])
        #expect(plan.groups.map(\.outcome) == [.misplaced])
        #expect(plan.changes.map(\.placement.name) == [existing.name])
    }

    // MARK: Dependency placements (path B with existing placements)

    @Test func dependencyPlacementsFollowTheDestinations() throws {
        let work = SchedFixtures.work(resource: nil, groups: [Self.root])
        var nowMatching = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1", misplaced: true)
        nowMatching.metadata.labels?["stray"] = "x"
        let noLongerMatching = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-3")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [nowMatching, noLongerMatching])
        #expect(plan.groups.map(\.outcome) == [.misplaced])
        let byName = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.placement.name, $0) })
        #expect(plan.changes.map(\.placement.name) == ["redis-example-configure-1a2b3.worker-1-5058f", "redis-example-configure-1a2b3.worker-2-5058f",
                                                       "redis-example-configure-1a2b3.worker-3-5058f"])
        // Labels are replaced: the misplaced mark and stray labels go when the target matches again.
        let w1 = try #require(byName["redis-example-configure-1a2b3.worker-1-5058f"])
        #expect(w1.operation == .updated && !w1.misplaced)
        #expect(w1.placement.metadata.labels?[KratixLabels.misplaced] == nil)
        #expect(w1.placement.metadata.labels?["stray"] == nil)
        #expect(byName["redis-example-configure-1a2b3.worker-2-5058f"]?.operation == .created)
        // Kept, marked, still updated and written.
        let w3 = try #require(byName["redis-example-configure-1a2b3.worker-3-5058f"])
        #expect(w3.misplaced && w3.placement.metadata.labels?[KratixLabels.misplaced] == "true")
        #expect(w3.operation == .updated)
    }

    // MARK: Dangling placements (§4.6)

    @Test func placementsOfRemovedGroupsAreDangling() {
        let work = SchedFixtures.work(groups: [Self.root])
        let current = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1")
        let gone = SchedFixtures.placement(for: work, group: Self.extras, destination: "worker-2")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [current, gone])
        #expect(plan.danglingPlacements.map(\.name) == [gone.name])
        let emptied = SchedFixtures.work(groups: [])
        #expect(Self.first.plan(work: emptied, destinations: Self.destinations, placements: [current, gone]).danglingPlacements.count == 2)
    }

    // MARK: Dry run

    @Test func dryRunWorksGoOnlyToDryRunDestinations() {
        let work = SchedFixtures.work(resource: nil, groups: [Self.root], labels: ["kratix.io/dry-run": "true"])
        let destinations = Self.destinations + [SchedFixtures.destination("dry", labels: ["kratix.io/dry-run": "true"])]
        let plan = Self.first.plan(work: work, destinations: destinations, placements: [])
        #expect(plan.changes.map(\.placement.spec.targetDestinationName) == ["dry"])
        let ordinary = Self.first.plan(work: SchedFixtures.work(resource: nil, groups: [SchedFixtures.group()]), destinations: destinations, placements: [])
        #expect(!ordinary.changes.map(\.placement.spec.targetDestinationName).contains("dry"))
    }

    // MARK: Work status, events and requeue (§4.7, §4.8)

    struct StatusCase: Sendable, CustomStringConvertible {
        var description: String
        var resource: String?
        var destinations: [Destination]
        var failingPlacement: Bool = false
        var schedule: (Condition.Status, String, String)
        var ready: (Condition.Status, String, String)
        var created: Int64
        var events: [String]
        var action: ReconcileAction
    }

    static let statusCases: [StatusCase] = [
        StatusCase(description: "all scheduled", resource: "example", destinations: destinations,
                   schedule: (.true, "AllWorkplacementsScheduled", "All workplacements scheduled successfully"),
                   ready: (.true, "AllWorkplacementsScheduled", "Ready"), created: 2,
                   events: ["Normal WorkplacementReconciled", "Normal WorkplacementReconciled", "Normal AllWorkplacementsScheduled"],
                   action: .done),
        StatusCase(description: "resource Work waiting for a Destination", resource: "example",
                   destinations: [SchedFixtures.destination("worker-1", labels: ["env": "dev"])],
                   schedule: (.false, "UnscheduledWorkloads", "No matching destination found for workloadGroups: [0f0e0d0c0b0a09080706050403020100]"),
                   ready: (.false, "UnscheduledWorkloads", "Pending"), created: 1,
                   events: ["Normal NoMatchingDestination", "Normal WorkplacementReconciled", "Normal WaitingDestination"],
                   action: .requeueAfter(.seconds(60))),
        StatusCase(description: "dependency Work waiting: no timed requeue", resource: nil, destinations: [],
                   schedule: (.false, "UnscheduledWorkloads",
                              "No matching destination found for workloadGroups: [0f0e0d0c0b0a09080706050403020100,5058f1af8388633f609cadb75a75dc9d]"),
                   ready: (.false, "UnscheduledWorkloads", "Pending"), created: 0,
                   events: ["Normal NoMatchingDestination", "Normal NoMatchingDestination"], action: .done),
        StatusCase(description: "a placement failing to write", resource: "example", destinations: destinations, failingPlacement: true,
                   schedule: (.false, "WorkplacementsFailing", "Workplacements failed to write: [redis-example-configure-1a2b3.worker-1-5058f]"),
                   ready: (.false, "WorkplacementsFailing", "Failing"), created: 2,
                   events: ["Normal WorkplacementReconciled", "Warning WorkplacementsFailing"], action: .done),
    ]

    @Test(arguments: statusCases)
    func reportsWorkStatus(_ c: StatusCase) throws {
        var work = SchedFixtures.work(resource: c.resource, groups: [Self.extras, Self.root])
        var placements: [WorkPlacement] = []
        if c.failingPlacement {
            placements = [SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1", conditions: [
                Condition(type: "WriteSucceeded", status: .false, reason: "WorkloadsFailedWrite", message: "push rejected"),
            ])]
        }
        let plan = Self.first.plan(work: work, destinations: c.destinations, placements: placements)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let completion = WorkScheduler.completion(work: work, plan: plan, placements: placements, now: now)
        #expect(completion.statusChanged)
        let conditions = completion.status.conditions ?? []
        let schedule = try #require(conditions[type: "ScheduleSucceeded"])
        let ready = try #require(conditions[type: "Ready"])
        #expect(schedule.status == c.schedule.0 && schedule.reason == c.schedule.1 && schedule.message == c.schedule.2)
        #expect(ready.status == c.ready.0 && ready.reason == c.ready.1 && ready.message == c.ready.2)
        #expect(schedule.lastTransitionTime == "2023-11-14T22:13:20Z")
        #expect(completion.status.workPlacements == 2)
        #expect(completion.status.workPlacementsCreated == c.created)
        #expect(completion.events.map { "\($0.type.rawValue) \($0.reason)" } == c.events)
        #expect(completion.action == c.action)

        // A second identical pass changes nothing and records no condition event.
        work.status = completion.status
        let settled = Self.first.plan(work: work, destinations: c.destinations, placements: placements)
        let again = WorkScheduler.completion(work: work, plan: settled, placements: placements, now: now.addingTimeInterval(60))
        #expect(!again.statusChanged)
        #expect(!again.events.contains { ["AllWorkplacementsScheduled", "WorkplacementsFailing", "DestinationSelectorMismatch"].contains($0.reason) })
    }

    @Test func misplacedGroupsGiveMisplacedConditionsAndAWarning() throws {
        let work = SchedFixtures.work(groups: [Self.root])
        let existing = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-3")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [existing])
        let completion = WorkScheduler.completion(work: work, plan: plan, placements: [existing])
        let conditions = completion.status.conditions ?? []
        #expect(conditions[type: "ScheduleSucceeded"]?.reason == "DestinationSelectorMismatch")
        #expect(conditions[type: "ScheduleSucceeded"]?.message
            == "Target destination no longer matches destinationSelectors for workloadGroups: [5058f1af8388633f609cadb75a75dc9d]")
        #expect(conditions[type: "Ready"]?.message == "Misplaced" && conditions[type: "Ready"]?.reason == "Misplaced")
        #expect(completion.events.contains(.warning("DestinationSelectorMismatch",
                                                    "Target destination no longer matches destinationSelectors for workloadGroups: [5058f1af8388633f609cadb75a75dc9d]")))
    }

    @Test func unwrittenPlacementsDoNotHoldTheWorkBack() {
        let work = SchedFixtures.work(groups: [Self.root])
        let unwritten = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [unwritten])
        let completion = WorkScheduler.completion(work: work, plan: plan, placements: [unwritten])
        #expect(completion.status.conditions?[type: "Ready"]?.message == "Ready")
    }

    @Test func readyIsWrittenOnlyWhenScheduleSucceededChanges() {
        var work = SchedFixtures.work(groups: [Self.root])
        var status = WorkStatus()
        status.workPlacements = 1
        status.workPlacementsCreated = 1
        status.conditions = [WorkConditions.allScheduled.scheduleSucceeded, Condition(type: "Ready", status: .false, reason: "Other", message: "x")]
        work.status = status
        let existing = SchedFixtures.placement(for: work, group: Self.root, destination: "worker-1")
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [existing])
        let completion = WorkScheduler.completion(work: work, plan: plan, placements: [existing])
        #expect(completion.status.conditions?[type: "Ready"]?.reason == "Other")
        #expect(!completion.statusChanged)
    }

    @Test func groupFailureConditions() {
        let work = SchedFixtures.work(groups: [SchedFixtures.group(selectors: [SchedFixtures.selector(["bad key": "x"], "promise")])])
        let plan = Self.first.plan(work: work, destinations: Self.destinations, placements: [])
        #expect(plan.firstFailure?.groupID == WorkPlacementNaming.rootGroupID)
        #expect(plan.firstFailure?.error.description.contains("bad key") == true)
        let completion = WorkScheduler.failure(work: work, groupID: WorkPlacementNaming.rootGroupID)
        #expect(completion.status.conditions?[type: "ScheduleSucceeded"]?.message
            == "Failed to schedule or update for workloadGroups: [5058f1af8388633f609cadb75a75dc9d]")
        #expect(completion.status.conditions?[type: "ScheduleSucceeded"]?.reason == "FailedToScheduleWorkloads")
        #expect(completion.status.conditions?[type: "Ready"]?.message == "Pending")
        #expect(completion.action == .done)
    }

    // MARK: WorkPlacement conditions (§3.3)

    @Test func placementScheduleConditions() {
        var conditions: [Condition] = []
        #expect(WorkPlacementConditions.applySchedule(misplaced: false, to: &conditions))
        #expect(conditions[type: "ScheduleSucceeded"]?.message == "Scheduled to correct Destination")
        #expect(conditions[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] } == ["False", "ScheduledToDestination", "Pending"])
        #expect(!WorkPlacementConditions.applySchedule(misplaced: false, to: &conditions))

        #expect(WorkPlacementConditions.applyWritten(to: &conditions))
        #expect(conditions[type: "Ready"].map { [$0.status.rawValue, $0.reason, $0.message] } == ["True", "WorkloadsWrittenToTargetDestination", "Ready"])
        #expect(conditions[type: "WriteSucceeded"]?.message == "Workloads written to State Store")

        #expect(WorkPlacementConditions.applySchedule(misplaced: true, to: &conditions))
        #expect(conditions[type: "ScheduleSucceeded"].map { [$0.status.rawValue, $0.reason, $0.message] }
            == ["False", "DestinationSelectorMismatch", "Target destination no longer matches destinationSelectors"])
        #expect(conditions[type: "Ready"]?.message == "Misplaced")
        // A write while misplaced leaves Ready alone.
        WorkPlacementConditions.applyWritten(to: &conditions)
        #expect(conditions[type: "Ready"]?.message == "Misplaced")
        // Back on a matching Destination after a successful write: Ready again.
        #expect(WorkPlacementConditions.applySchedule(misplaced: false, to: &conditions))
        #expect(conditions[type: "Ready"]?.message == "Ready")

        #expect(WorkPlacementConditions.applyWriteFailed("boom", to: &conditions))
        #expect(conditions[type: "WriteSucceeded"].map { [$0.status.rawValue, $0.reason, $0.message] } == ["False", "WorkloadsFailedWrite", "boom"])
        #expect(conditions[type: "Ready"].map { [$0.reason, $0.message] } == ["WorkloadsFailedWrite", "Failing"])
    }
}
