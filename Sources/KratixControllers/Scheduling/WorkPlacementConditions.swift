import Foundation
import KratixAPI
import KubeModel

/// A WorkPlacement's conditions (spec §3.3). The scheduler owns `ScheduleSucceeded`, the
/// WorkPlacement controller owns `WriteSucceeded`, and both move `Ready`; these rules keep the two
/// writers from contradicting each other.
public enum WorkPlacementConditions {
    public static let scheduleSucceeded = "ScheduleSucceeded"
    public static let writeSucceeded = "WriteSucceeded"
    public static let ready = "Ready"
    public static let mismatchMessage = "Target destination no longer matches destinationSelectors"

    /// The scheduler's verdict. When the placement is misplaced, `Ready` becomes `Misplaced`; when
    /// it is (again) correctly placed and has not been written yet, `Ready` is `Pending`; when it was
    /// written before, `Ready` is `Ready` again (the controller would set the same on its next write).
    /// Returns whether anything changed.
    @discardableResult
    public static func applySchedule(misplaced: Bool, to conditions: inout [Condition], now: Date = Date()) -> Bool {
        if misplaced {
            let changed = conditions.set(Condition(type: scheduleSucceeded, status: .false, reason: "DestinationSelectorMismatch",
                                                   message: mismatchMessage), now: now)
            if changed {
                conditions.set(Condition(type: ready, status: .false, reason: "Misplaced", message: "Misplaced"), now: now)
            }
            return changed
        }
        let changed = conditions.set(Condition(type: scheduleSucceeded, status: .true, reason: "ScheduledToDestination",
                                               message: "Scheduled to correct Destination"), now: now)
        guard changed else { return false }
        if conditions[type: writeSucceeded]?.status == .true {
            conditions.set(writtenReady, now: now)
        } else {
            conditions.set(Condition(type: ready, status: .false, reason: "ScheduledToDestination", message: "Pending"), now: now)
        }
        return true
    }

    static let writtenReady = Condition(type: ready, status: .true, reason: "WorkloadsWrittenToTargetDestination", message: "Ready")

    /// A successful write: `WriteSucceeded` True, and `Ready` True unless the scheduler says the
    /// placement is misplaced.
    @discardableResult
    public static func applyWritten(to conditions: inout [Condition], now: Date = Date()) -> Bool {
        var changed = conditions.set(Condition(type: writeSucceeded, status: .true, reason: "WorkloadsWrittenToStateStore",
                                               message: "Workloads written to State Store"), now: now)
        if conditions[type: scheduleSucceeded]?.status != .false {
            changed = conditions.set(writtenReady, now: now) || changed
        }
        return changed
    }

    /// A failed write: the error text in `WriteSucceeded`, and `Ready` False with `Failing`.
    @discardableResult
    public static func applyWriteFailed(_ message: String, to conditions: inout [Condition], now: Date = Date()) -> Bool {
        let a = conditions.set(Condition(type: writeSucceeded, status: .false, reason: "WorkloadsFailedWrite", message: message), now: now)
        let b = conditions.set(Condition(type: ready, status: .false, reason: "WorkloadsFailedWrite", message: "Failing"), now: now)
        return a || b
    }

    /// Whether the placement reports a failed write (what holds its Work back from `Ready`).
    public static func hasFailedWrite(_ placement: WorkPlacement) -> Bool {
        placement.status?.conditions?[type: writeSucceeded]?.status == .false
    }
}
