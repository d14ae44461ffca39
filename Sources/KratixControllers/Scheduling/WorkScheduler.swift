import Foundation
import KratixAPI
import KubeModel
import KubeRuntime

/// The Work scheduler (spec §4) as a pure function: from a Work, every Destination and the Work's
/// existing WorkPlacements to the placements to create, update and delete, the Work's status and
/// its events. Keeping IO out makes every rule of the spec checkable in a table-driven test and lets
/// the reconciler stay a thin loop over the plan.
public struct WorkScheduler: Sendable {
    /// Picks one index in `0..<count` for a resource Work's group (upstream draws uniformly at
    /// random; tests pass a fixed choice).
    public var pickIndex: @Sendable (_ count: Int) -> Int

    public init(pickIndex: @escaping @Sendable (_ count: Int) -> Int = { Int.random(in: 0..<$0) }) {
        self.pickIndex = pickIndex
    }

    /// Plans one pass. `placements` are the WorkPlacements labelled `kratix.io/work=<work>` in the
    /// Work's namespace; `destinations` are all Destinations.
    public func plan(work: Work, destinations: [Destination], placements: [WorkPlacement]) -> WorkSchedulePlan {
        let byName = Dictionary(placements.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let dryRun = work.metadata.label(KratixLabels.dryRun) == "true"
        var groups: [WorkloadGroupPlan] = []
        for group in work.spec.workloadGroups ?? [] {
            let groupID = group.id ?? ""
            let existing = placements.filter { $0.metadata.label(KratixLabels.workloadGroupID) == groupID }.sorted { $0.name < $1.name }
            let selector = DestinationMatcher.resolvedSelector(for: group, dryRun: dryRun)
            do throws(SchedulingError) {
                let candidates = try DestinationMatcher.candidates(destinations, selector: selector, groupID: groupID, dryRun: dryRun)
                let names = Set(candidates.map(\.name))
                if !work.isDependencyWork && !existing.isEmpty {
                    groups.append(stickyPlan(work: work, group: group, existing: existing, candidateNames: names))
                } else {
                    groups.append(try placementPlan(work: work, group: group, existing: existing, candidates: candidates, byName: byName))
                }
            } catch {
                groups.append(WorkloadGroupPlan(groupID: groupID, outcome: .failed(error)))
            }
        }
        let currentIDs = Set((work.spec.workloadGroups ?? []).map { $0.id ?? "" })
        let dangling = placements
            .filter { !currentIDs.contains($0.metadata.label(KratixLabels.workloadGroupID) ?? "") }
            .sorted { $0.name < $1.name }
        return WorkSchedulePlan(groups: groups, danglingPlacements: dangling)
    }

    /// Path A (spec §4.5 A): a resource Work's group that already has placements keeps them; only
    /// their content and misplaced marks change.
    private func stickyPlan(work: Work, group: WorkloadGroup, existing: [WorkPlacement], candidateNames: Set<String>) -> WorkloadGroupPlan {
        var changes: [PlacementChange] = []
        for placement in existing {
            let misplaced = !candidateNames.contains(placement.spec.targetDestinationName ?? "")
            var desired = placement
            if misplaced {
                // Upstream never removes the label on this path.
                desired.metadata.labels = (desired.metadata.labels ?? [:]).merging([KratixLabels.misplaced: "true"]) { _, new in new }
            }
            desired.spec.workGeneration = work.metadata.generation
            desired.spec.workloads = group.workloads
            changes.append(PlacementChange(operation: desired == placement ? .unchanged : .updated, placement: desired,
                                           misplaced: misplaced, reportedToWork: false))
        }
        return WorkloadGroupPlan(groupID: group.id ?? "", outcome: changes.contains(where: \.misplaced) ? .misplaced : .scheduled,
                                 placements: changes)
    }

    /// Path B (spec §4.5 B): choose targets, keep misplaced ones, create or update a placement each.
    private func placementPlan(work: Work, group: WorkloadGroup, existing: [WorkPlacement], candidates: [Destination],
                               byName: [String: WorkPlacement]) throws(SchedulingError) -> WorkloadGroupPlan {
        let groupID = group.id ?? ""
        var targets: [(name: String, misplaced: Bool)] = []
        if work.isDependencyWork {
            targets = candidates.map { ($0.name, false) }
        } else if !candidates.isEmpty {
            let index = min(max(pickIndex(candidates.count), 0), candidates.count - 1)
            targets = [(candidates[index].name, false)]
        }
        var chosen = Set(targets.map(\.name))
        for placement in existing {
            let target = placement.spec.targetDestinationName ?? ""
            if chosen.insert(target).inserted { targets.append((target, true)) }
        }
        if targets.isEmpty {
            return WorkloadGroupPlan(groupID: groupID, outcome: .unscheduled, events: [
                .normal("NoMatchingDestination", "waiting for a destination with labels for workloadGroup: \(groupID)"),
            ])
        }
        var changes: [PlacementChange] = []
        for target in targets {
            let name = WorkPlacementNaming.name(work: work.name, destination: target.name, groupID: groupID)
            let current = byName[name]
            let desired = try desiredPlacement(name: name, current: current, work: work, group: group,
                                               destination: target.name, misplaced: target.misplaced)
            let operation: PlacementChange.Operation = current == nil ? .created : (current == desired ? .unchanged : .updated)
            changes.append(PlacementChange(operation: operation, placement: desired, misplaced: target.misplaced, reportedToWork: true))
        }
        return WorkloadGroupPlan(groupID: groupID, outcome: targets.contains(where: \.misplaced) ? .misplaced : .scheduled,
                                 placements: changes)
    }

    /// The WorkPlacement as the scheduler wants it: the fixed label set (replacing whatever was
    /// there), the Work's annotations, the group's content, the cleanup finalizer and the Work as
    /// controlling owner.
    func desiredPlacement(name: String, current: WorkPlacement?, work: Work, group: WorkloadGroup, destination: String,
                          misplaced: Bool) throws(SchedulingError) -> WorkPlacement {
        var placement = current ?? WorkPlacement(name: name, namespace: work.metadata.namespace ?? "")
        var labels = [
            KratixLabels.work: work.name,
            KratixLabels.workloadGroupID: group.id ?? "",
            KratixLabels.targetDestinationName: destination,
            // Present (empty) on static-dependency placements too, as upstream writes it.
            KratixLabels.pipelineName: work.metadata.label(KratixLabels.pipelineName) ?? "",
        ]
        if misplaced { labels[KratixLabels.misplaced] = "true" }
        placement.metadata.labels = labels
        placement.metadata.annotations = Self.annotations(existing: placement.metadata.annotations, work: work.metadata.annotations)
        placement.spec.id = group.id
        placement.spec.promiseName = work.spec.promiseName
        placement.spec.resourceName = work.spec.resourceName
        placement.spec.targetDestinationName = destination
        placement.spec.workloads = group.workloads
        placement.spec.workGeneration = work.metadata.generation
        if !placement.metadata.isBeingDeleted {
            placement.metadata.addFinalizer(KratixFinalizers.workPlacementRepoCleanup)
        }
        try Self.setControllerReference(of: work, on: &placement.metadata, object: "WorkPlacement \(name)")
        return placement
    }

    /// The Work's annotations, keeping the placement's own trace annotations.
    static func annotations(existing: [String: String]?, work: [String: String]?) -> [String: String]? {
        var desired = work ?? [:]
        for (key, value) in existing ?? [:] where key.hasPrefix("kratix.io/trace-") && !value.isEmpty {
            desired[key] = value
        }
        return desired.isEmpty ? nil : desired
    }

    /// controller-runtime's `SetControllerReference`: refuses an object controlled by another owner.
    static func setControllerReference(of work: Work, on metadata: inout ObjectMeta, object: String) throws(SchedulingError) {
        let reference = OwnerReference(apiVersion: work.apiVersion, kind: Work.apiKind, name: work.name,
                                       uid: work.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)
        var references = metadata.ownerReferences ?? []
        if let other = references.first(where: { $0.controller == true && ($0.kind != reference.kind || $0.name != reference.name) }) {
            throw SchedulingError(.alreadyOwned(object: object, owner: "\(other.kind)/\(other.name)"))
        }
        if let index = references.firstIndex(where: { $0.kind == reference.kind && $0.name == reference.name
            && $0.apiVersion.hasPrefix(KratixGroup.group + "/") }) {
            references[index] = reference
        } else {
            references.append(reference)
        }
        metadata.ownerReferences = references
    }
}
