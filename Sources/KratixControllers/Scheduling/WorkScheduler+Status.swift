import Foundation
import KratixAPI
import KubeModel
import KubeRuntime

/// How a scheduling pass ends: the Work's new status, the events to record and when to run again.
public struct WorkScheduleCompletion: Sendable, Equatable {
    public var status: WorkStatus
    /// Whether `status` differs from the Work's current status (write it only then).
    public var statusChanged: Bool
    public var events: [SchedulingEvent]
    public var action: ReconcileAction
}

extension WorkScheduler {
    /// The end of a pass in which every group was applied (spec §4.7 and §4.8).
    ///
    /// Upstream writes the scheduler's conditions and then, in a second step, overrides them with
    /// `WorkplacementsFailing` when a placement reports a failed write; both steps are folded into one
    /// status here, so a Work whose placements keep failing does not flap between the two on every
    /// pass. Events that describe a condition are recorded when the condition changes.
    public static func completion(work: Work, plan: WorkSchedulePlan, placements: [WorkPlacement],
                                  now: Date = Date()) -> WorkScheduleCompletion {
        let unscheduled = plan.unscheduledGroupIDs
        let misplaced = plan.misplacedGroupIDs
        var status = work.status ?? WorkStatus()
        let groupCount = Int64(work.spec.workloadGroups?.count ?? 0)
        status.workPlacements = groupCount
        status.workPlacementsCreated = groupCount - Int64(unscheduled.count)

        var pair: WorkConditions.Pair
        if !unscheduled.isEmpty {
            pair = WorkConditions.unscheduled(unscheduled)
        } else if !misplaced.isEmpty {
            pair = WorkConditions.misplaced(misplaced)
        } else {
            pair = WorkConditions.allScheduled
        }
        let waitsForDestination = !work.isDependencyWork && !unscheduled.isEmpty
        if !waitsForDestination {
            let danglingNames = Set(plan.danglingPlacements.map(\.name))
            let failing = placements.filter { !danglingNames.contains($0.name) && WorkPlacementConditions.hasFailedWrite($0) }
                .map(\.name).sorted()
            if !failing.isEmpty { pair = WorkConditions.placementsFailing(failing) }
        }

        var conditions = status.conditions ?? []
        let conditionsChanged = WorkConditions.apply(pair, to: &conditions, now: now)
        status.conditions = conditions

        var events = plan.groups.flatMap(\.events) + plan.changes.compactMap(\.workEvent)
        if conditionsChanged, let event = pair.event { events.append(event) }
        var action = ReconcileAction.done
        if waitsForDestination {
            events.append(.normal("WaitingDestination", "waiting for destination for workload group: [\(unscheduled.joined(separator: ","))]"))
            action = .requeueAfter(SchedulingTimings.slowRequeue)
        }
        return WorkScheduleCompletion(status: status, statusChanged: status != (work.status ?? WorkStatus()) || work.status == nil,
                                      events: events, action: action)
    }

    /// The end of a pass stopped by a group that could not be scheduled or updated: the failure
    /// conditions, and no retry until the next event (upstream's behaviour; the error is logged).
    public static func failure(work: Work, groupID: String, now: Date = Date()) -> WorkScheduleCompletion {
        var status = work.status ?? WorkStatus()
        var conditions = status.conditions ?? []
        conditions.set(WorkConditions.failedToSchedule(groupID).scheduleSucceeded, now: now)
        conditions.set(WorkConditions.failedToSchedule(groupID).ready, now: now)
        status.conditions = conditions
        return WorkScheduleCompletion(status: status, statusChanged: status != (work.status ?? WorkStatus()) || work.status == nil,
                                      events: [], action: .done)
    }
}
