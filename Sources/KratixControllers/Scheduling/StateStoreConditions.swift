import KratixAPI
import KubeModel

/// The `Ready` condition and `status.status` of GitStateStores and BucketStateStores (spec §6.1).
public enum StateStoreConditions {
    public static let ready = "Ready"

    public static let storeReady = Condition(type: ready, status: .true, reason: "StateStoreReady", message: "State store is ready")

    public static func secretNotFound(name: String, namespace: String) -> Condition {
        Condition(type: ready, status: .false, reason: "SecretNotFound", message: "Secret \(name) not found in namespace \(namespace)")
    }

    public static func secretError(_ message: String) -> Condition {
        Condition(type: ready, status: .false, reason: "StateStoreError", message: message)
    }

    public static func writerFailed(_ message: String) -> Condition {
        Condition(type: ready, status: .false, reason: "ErrorInitialisingWriter", message: message)
    }

    /// `detail` starts with `write permission validation failed: …`.
    public static func permissionsFailed(_ detail: String) -> Condition {
        Condition(type: ready, status: .false, reason: "ErrorValidatingPermissions",
                  message: "Error validating state store permissions: \(detail)")
    }

    /// Normal `Ready` (`<Kind> "<name>" is ready`) or Warning `NotReady` with the condition's message.
    public static func event(for condition: Condition, kind: String, name: String) -> SchedulingEvent {
        condition.status == .true
            ? .normal("Ready", "\(kind) \"\(name)\" is ready")
            : .warning("NotReady", condition.message ?? "")
    }

    /// Sets the condition, `status.status` and (on success) `observedGeneration`; returns whether
    /// the status changed.
    @discardableResult
    public static func apply(_ condition: Condition, generation: Int64?, to status: inout StateStoreStatus) -> Bool {
        let before = status
        var conditions = status.conditions ?? []
        conditions.set(condition)
        status.conditions = conditions
        status.status = condition.status == .true ? "Ready" : "NotReady"
        if condition.status == .true { status.observedGeneration = generation }
        return status != before
    }
}
