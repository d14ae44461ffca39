import Foundation
import KratixAPI
import KubeModel

/// §9: when a configure workflow that finished is due to run again. Promises and resource requests
/// share the rule; when due, the controller labels the object for manual reconciliation and the
/// engine re-runs the workflow from its first pipeline.
struct PeriodicReconciliation: Sendable {
    /// Below this a per-Promise interval is ignored (upstream's webhook refuses it).
    static let minimumPromiseInterval: Duration = .seconds(60)

    var interval: Duration
    var reconcileAfterFailure: Bool

    /// The interval of `promise`'s workflows and its requests' (§9): the annotation
    /// `kratix.io/reconciliation-interval` if it parses and is at least a minute, else
    /// `spec.workflows.config.reconciliationInterval` on the same terms, else the global one.
    /// (Upstream reads the annotation from the latest PromiseRevision, which mirrors the Promise's.)
    init(_ configuration: KratixConfiguration, promise: Promise? = nil) {
        reconcileAfterFailure = configuration.workflows.reconcileAfterFailure
        let candidates = [promise?.metadata.annotations?[KratixAnnotations.reconciliationInterval],
                          promise?.spec.workflows?.config?.reconciliationInterval]
        interval = candidates.lazy.compactMap { $0.flatMap(GoDuration.parse) }
            .first { $0 >= Self.minimumPromiseInterval } ?? configuration.reconciliationInterval
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
