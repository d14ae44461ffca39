import Foundation
import KratixAPI
import KubeModel

/// The Work's `ScheduleSucceeded` and `Ready` conditions (spec §4.8). The resource-request
/// controller reads the `Ready` message (`Pending`, `Misplaced`, `Failing`, `Ready`) as its
/// interface, so every string here is part of the contract.
public enum WorkConditions {
    public static let scheduleSucceeded = "ScheduleSucceeded"
    public static let ready = "Ready"

    /// One row of the table in spec §4.8.
    public struct Pair: Sendable, Equatable {
        public var scheduleSucceeded: Condition
        public var ready: Condition
        /// Recorded on the Work when the pair changes the status.
        public var event: SchedulingEvent?
    }

    public static func unscheduled(_ groupIDs: [String]) -> Pair {
        Pair(scheduleSucceeded: Condition(type: scheduleSucceeded, status: .false, reason: "UnscheduledWorkloads",
                                          message: "No matching destination found for workloadGroups: [\(groupIDs.joined(separator: ","))]"),
             ready: Condition(type: ready, status: .false, reason: "UnscheduledWorkloads", message: "Pending"),
             event: nil)
    }

    public static func misplaced(_ groupIDs: [String]) -> Pair {
        let message = "Target destination no longer matches destinationSelectors for workloadGroups: [\(groupIDs.joined(separator: ","))]"
        return Pair(scheduleSucceeded: Condition(type: scheduleSucceeded, status: .false, reason: "DestinationSelectorMismatch", message: message),
                    ready: Condition(type: ready, status: .false, reason: "Misplaced", message: "Misplaced"),
                    event: .warning("DestinationSelectorMismatch", message))
    }

    public static let allScheduled = Pair(
        scheduleSucceeded: Condition(type: scheduleSucceeded, status: .true, reason: "AllWorkplacementsScheduled",
                                     message: "All workplacements scheduled successfully"),
        ready: Condition(type: ready, status: .true, reason: "AllWorkplacementsScheduled", message: "Ready"),
        event: .normal("AllWorkplacementsScheduled", "All workplacements scheduled successfully"))

    public static func failedToSchedule(_ groupID: String) -> Pair {
        Pair(scheduleSucceeded: Condition(type: scheduleSucceeded, status: .false, reason: "FailedToScheduleWorkloads",
                                          message: "Failed to schedule or update for workloadGroups: [\(groupID)]"),
             ready: Condition(type: ready, status: .false, reason: "FailedToScheduleWorkloads", message: "Pending"),
             event: nil)
    }

    public static func placementsFailing(_ placementNames: [String]) -> Pair {
        let message = "Workplacements failed to write: [\(placementNames.joined(separator: ","))]"
        return Pair(scheduleSucceeded: Condition(type: scheduleSucceeded, status: .false, reason: "WorkplacementsFailing", message: message),
                    ready: Condition(type: ready, status: .false, reason: "WorkplacementsFailing", message: "Failing"),
                    event: .warning("WorkplacementsFailing", message))
    }

    /// Applies a pair with upstream's rule: `Ready` is written only when `ScheduleSucceeded`
    /// actually changed. Returns whether the conditions changed.
    @discardableResult
    public static func apply(_ pair: Pair, to conditions: inout [Condition], now: Date = Date()) -> Bool {
        guard conditions.set(pair.scheduleSucceeded, now: now) else { return false }
        conditions.set(pair.ready, now: now)
        return true
    }
}
