import Foundation
import KratixAPI
import KubeModel

/// A ResourceBinding's upgrade bookkeeping (revisions spec §1.8): `lastAppliedVersion`,
/// `failedVersion` and the `UpgradeSucceeded` condition, as the request controller and the binding
/// controller move them. Each transition edits the status in memory and says whether it changed,
/// so the caller writes the status only when there is something to write.
struct BindingUpgradeStatus: Sendable, Equatable {
    static let conditionType = "UpgradeSucceeded"
    static let inProgress = "UpgradeInProgress"
    static let complete = "UpgradeComplete"
    static let failed = "UpgradeFailed"
    /// The binding version that follows the latest revision.
    static let latest = "latest"

    var status: ResourceBindingStatus

    init(_ status: ResourceBindingStatus?) {
        self.status = status ?? ResourceBindingStatus()
    }

    init(binding: KubeObject) {
        self.init(binding.status.flatMap { try? JSONValueDecoder().decode(ResourceBindingStatus.self, from: $0) })
    }

    var condition: Condition? { status.conditions?[type: Self.conditionType] }
    var lastAppliedVersion: String { status.lastAppliedVersion ?? "" }
    var failedVersion: String { status.failedVersion ?? "" }

    /// The version an upgrade is running for: the word after the first `version ` of an
    /// Unknown/`UpgradeInProgress` condition's message (upstream parses the message, so its format
    /// is kept exactly).
    var inFlightVersion: String {
        guard let condition, condition.status == .unknown, condition.reason == Self.inProgress,
              let message = condition.message, let range = message.range(of: "version ") else { return "" }
        return String(message[range.upperBound...].prefix { !$0.isWhitespace })
    }

    // MARK: The request controller's transitions

    /// The configure workflow of `attempted` is running. Worth saying only when the binding last
    /// showed something else: a failure, or another applied version.
    mutating func workflowRunning(attempted: String, now: Date) -> Bool {
        guard !attempted.isEmpty, attempted != PromiseReconciler.unversioned else { return false }
        let due = !failedVersion.isEmpty || condition?.status == .false
            || (!lastAppliedVersion.isEmpty && lastAppliedVersion != attempted)
        guard due else { return false }
        return apply(.unknown, Self.inProgress, "Upgrade to version \(attempted) is in progress", applied: attempted, attempted: attempted, now: now)
    }

    /// The configure workflow of `attempted` failed with `message` (the request's
    /// `ConfigureWorkflowCompleted` message); `applied` is the request's `status.promiseVersion`.
    mutating func workflowFailed(attempted: String, applied: String, message: String, now: Date) -> Bool {
        apply(.false, Self.failed, message, applied: applied, attempted: attempted, now: now)
    }

    /// The request is now at `applied` (its workflow succeeded, or it has none).
    mutating func workflowSucceeded(applied: String, attempted: String, now: Date) -> Bool {
        apply(.true, Self.complete, "Resource is at version \(applied)", applied: applied, attempted: attempted, now: now)
    }

    // MARK: The binding controller's transition

    /// Announces an upgrade to `desired` (`manual`: a reconciliation the user asked for).
    mutating func requestUpgrade(to desired: String, manual: Bool, now: Date) {
        let message = manual ? "Reconciliation requested for version \(desired)" : "Upgrade to version \(desired) is in progress"
        setCondition(.unknown, Self.inProgress, message, now: now)
        status.failedVersion = nil
    }

    /// Whether the binding already says an upgrade is running and has not failed.
    var advertisesUpgradeInProgress: Bool {
        failedVersion.isEmpty && condition?.status == .unknown && condition?.reason == Self.inProgress
    }

    /// Whether the last attempt at `version` failed (the binding controller does not retry it).
    func lastAttemptFailed(for version: String) -> Bool {
        condition?.status == .false && failedVersion == version
    }

    // MARK: Applying

    /// Upstream's rule: versions follow the outcome; the condition is recorded on a failure, and on
    /// a success only when an upgrade was attempted (a fresh request gets `lastAppliedVersion`
    /// and no condition).
    private mutating func apply(_ conditionStatus: Condition.Status, _ reason: String, _ message: String,
                                applied: String, attempted: String, now: Date) -> Bool {
        let versionUpdate = conditionStatus == .true && lastAppliedVersion != applied
        let failedUpdate = conditionStatus == .false && failedVersion != attempted
        let failedClear = conditionStatus != .false && !failedVersion.isEmpty
        let existing = condition
        let record = conditionStatus == .false || !failedVersion.isEmpty || existing?.reason == Self.inProgress
            || existing?.status == .false || (!lastAppliedVersion.isEmpty && lastAppliedVersion != applied)
        let conditionChanged = existing == nil || existing?.status != conditionStatus || existing?.reason != reason || existing?.message != message
        guard versionUpdate || failedUpdate || failedClear || (record && conditionChanged) else { return false }
        if versionUpdate { status.lastAppliedVersion = applied }
        if failedUpdate { status.failedVersion = attempted }
        if failedClear { status.failedVersion = nil }
        if record { setCondition(conditionStatus, reason, message, now: now) }
        return true
    }

    /// metav1 `SetStatusCondition`: the transition time moves only when the status does.
    private mutating func setCondition(_ conditionStatus: Condition.Status, _ reason: String, _ message: String, now: Date) {
        var conditions = status.conditions ?? []
        let time = Timestamp.format(now)
        if let i = conditions.firstIndex(where: { $0.type == Self.conditionType }) {
            if conditions[i].status != conditionStatus { conditions[i].lastTransitionTime = time }
            conditions[i].status = conditionStatus
            conditions[i].reason = reason
            conditions[i].message = message
        } else {
            conditions.append(Condition(type: Self.conditionType, status: conditionStatus, reason: reason, message: message, lastTransitionTime: time))
        }
        status.conditions = conditions
    }

    /// The status as the binding's `status` member.
    var json: JSONValue {
        (try? JSONValueEncoder().encode(status)) ?? [:]
    }
}
