import KratixAPI
import KubeModel

/// What one scheduling pass over a Work decided, before any of it is applied. The reconciler
/// applies the groups in order and stops at the first group that fails, as upstream does.
public struct WorkSchedulePlan: Sendable, Equatable {
    public var groups: [WorkloadGroupPlan]
    /// WorkPlacements of this Work whose workload group is no longer in its spec (spec §4.6).
    public var danglingPlacements: [WorkPlacement]

    public init(groups: [WorkloadGroupPlan], danglingPlacements: [WorkPlacement]) {
        self.groups = groups
        self.danglingPlacements = danglingPlacements
    }

    public var unscheduledGroupIDs: [String] {
        groups.filter { $0.outcome == .unscheduled }.map(\.groupID)
    }

    public var misplacedGroupIDs: [String] {
        groups.filter { $0.outcome == .misplaced }.map(\.groupID)
    }

    /// The first group that cannot be scheduled because of an error, if any.
    public var firstFailure: (groupID: String, error: SchedulingError)? {
        for group in groups {
            if case .failed(let error) = group.outcome { return (group.groupID, error) }
        }
        return nil
    }

    /// Every placement change, in the order the reconciler applies them.
    public var changes: [PlacementChange] { groups.flatMap(\.placements) }
}

/// The decision for one workload group.
public struct WorkloadGroupPlan: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case scheduled
        /// Placed, but at least one placement's Destination no longer matches.
        case misplaced
        /// No Destination matches and none had been chosen before.
        case unscheduled
        /// The group cannot be scheduled (an invalid selector, a placement owned by someone else).
        case failed(SchedulingError)
    }

    public var groupID: String
    public var outcome: Outcome
    public var placements: [PlacementChange]
    /// Events for the Work (e.g. `NoMatchingDestination`).
    public var events: [SchedulingEvent]

    public init(groupID: String, outcome: Outcome, placements: [PlacementChange] = [], events: [SchedulingEvent] = []) {
        self.groupID = groupID
        self.outcome = outcome
        self.placements = placements
        self.events = events
    }
}

/// One WorkPlacement to create or update, with the schedule verdict for its conditions.
public struct PlacementChange: Sendable, Equatable {
    public enum Operation: String, Sendable, Equatable {
        case created, updated, unchanged
    }

    public var operation: Operation
    /// The whole desired object; for updates it carries the resourceVersion it was read at.
    public var placement: WorkPlacement
    public var misplaced: Bool
    /// Path B placements are reported on the Work as `WorkplacementReconciled` (spec §4.5 B.4).
    public var reportedToWork: Bool

    public init(operation: Operation, placement: WorkPlacement, misplaced: Bool, reportedToWork: Bool) {
        self.operation = operation
        self.placement = placement
        self.misplaced = misplaced
        self.reportedToWork = reportedToWork
    }

    /// The `WorkplacementReconciled` event for the Work, when this change is reported at all.
    public var workEvent: SchedulingEvent? {
        guard reportedToWork, operation != .unchanged else { return nil }
        return .normal("WorkplacementReconciled", "workplacement reconciled: \(placement.name), operation: \(operation.rawValue)")
    }
}
