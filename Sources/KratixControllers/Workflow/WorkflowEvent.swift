/// An Event the engine records on the object.
public struct WorkflowEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var type: EventType
    public var reason: String
    public var message: String

    public init(_ type: EventType, reason: String, message: String) {
        self.type = type
        self.reason = reason
        self.message = message
    }
}
