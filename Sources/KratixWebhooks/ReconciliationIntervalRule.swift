import KratixAPI
import KubeModel

/// The `kratix.io/reconciliation-interval` annotation rule shared by the Promise and
/// PromiseRevision webhooks (revisions spec §4.6): checked on create, and on update only when its
/// value changed (an existing out-of-policy value is grandfathered).
enum ReconciliationIntervalRule {
    static let minimum: Duration = .seconds(60)

    /// The denial message, or nil when the annotation is acceptable (or absent).
    static func problem(_ request: AdmissionRequest) -> String? {
        guard let raw = request.object?.annotations[KratixAnnotations.reconciliationInterval] else { return nil }
        if request.operation == .update, request.oldObject?.annotations[KratixAnnotations.reconciliationInterval] == raw { return nil }
        let field = "metadata.annotations[\(KratixAnnotations.reconciliationInterval)]"
        guard let duration = GoDuration.parse(raw) else { return "\(field): Invalid value: \"\(raw)\": must be a valid duration" }
        if duration < minimum { return "\(field): Invalid value: \"\(raw)\": must be at least 1m0s" }
        return nil
    }
}
