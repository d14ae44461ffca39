import Foundation
import KubeModel

/// §9: when a configure workflow that finished is due to run again. Promises and resource requests
/// share the rule; when due, the controller labels the object for manual reconciliation and the
/// engine re-runs the workflow from its first pipeline.
struct PeriodicReconciliation: Sendable {
    var interval: Duration
    var reconcileAfterFailure: Bool

    init(_ configuration: KratixConfiguration) {
        interval = configuration.reconciliationInterval
        reconcileAfterFailure = configuration.workflows.reconcileAfterFailure
    }

    /// Due once `ConfigureWorkflowCompleted` is older than the interval and True, or (with
    /// `reconcileAfterFailure`) False because the workflow failed.
    func isDue(_ status: WorkflowStatusDocument, now: Date) -> Bool {
        guard let configure = status.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted),
              let time = configure.lastTransitionTime.flatMap(Timestamp.parse) else { return false }
        let eligible = configure.status == .true
            || (reconcileAfterFailure && configure.status == .false && configure.reason == WorkflowPlanner.Conditions.configureWorkflowFailed)
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        return eligible && now.timeIntervalSince(time) > seconds
    }
}
