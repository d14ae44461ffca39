import KratixAPI
import KubeModel

/// A Destination's only condition, `Ready` (spec §5.3), and the events that go with it.
public enum DestinationConditions {
    public static let ready = "Ready"

    public static let notReadyYet = Condition(type: ready, status: .false, reason: "DestinationNotReady", message: "Destination is not ready")

    /// `<Kind>/<name>`, how conditions and events name the store.
    public static func storeName(_ reference: StateStoreReference) -> String {
        "\(reference.kind.rawValue)/\(reference.name)"
    }

    public static func storeNotReady(_ reference: StateStoreReference) -> Condition {
        Condition(type: ready, status: .false, reason: "StateStoreNotReady", message: "\(storeName(reference)): not ready")
    }

    public static func storeNotFound(_ reference: StateStoreReference) -> Condition {
        Condition(type: ready, status: .false, reason: "StateStoreNotFound", message: "\(storeName(reference)): not found")
    }

    public static func writeFailed(_ error: String) -> Condition {
        Condition(type: ready, status: .false, reason: "StateStoreWriteFailed", message: "Failed to write test documents to State Store: \(error)")
    }

    public static func finalizerUpdateFailed(_ error: String) -> Condition {
        Condition(type: ready, status: .false, reason: "DestinationFinalizerUpdateFailed", message: error)
    }

    public static let testDocumentsWritten = Condition(type: ready, status: .true, reason: "TestDocumentsWritten",
                                                       message: "Test documents written to State Store")
    public static let readyWithoutTestDocuments = Condition(type: ready, status: .true, reason: "DestinationReady",
                                                            message: "Destination is ready")

    /// The event that accompanies a condition: Normal `DestinationReady` for True, Warning
    /// `DestinationNotReady` with the condition's message otherwise.
    public static func event(for condition: Condition) -> SchedulingEvent {
        condition.status == .true
            ? .normal("DestinationReady", "Destination is Ready")
            : .warning("DestinationNotReady", condition.message ?? "")
    }
}
