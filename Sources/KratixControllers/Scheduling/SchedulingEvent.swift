/// An Event a pure planner wants recorded; the reconciler records it on the object it names, so
/// the planners stay free of IO and their output can be compared in tests.
public struct SchedulingEvent: Sendable, Equatable, CustomStringConvertible {
    public enum EventType: String, Sendable, Equatable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Which object the event is about.
    public enum Subject: Sendable, Equatable {
        /// The object being reconciled (the Work, Destination, store…).
        case reconciled
        /// A WorkPlacement of the Work being scheduled, by name.
        case placement(String)
    }

    public var subject: Subject
    public var type: EventType
    public var reason: String
    public var message: String

    public init(_ type: EventType, reason: String, message: String, subject: Subject = .reconciled) {
        self.subject = subject
        self.type = type
        self.reason = reason
        self.message = message
    }

    public static func normal(_ reason: String, _ message: String, on subject: Subject = .reconciled) -> SchedulingEvent {
        SchedulingEvent(.normal, reason: reason, message: message, subject: subject)
    }

    public static func warning(_ reason: String, _ message: String, on subject: Subject = .reconciled) -> SchedulingEvent {
        SchedulingEvent(.warning, reason: reason, message: message, subject: subject)
    }

    public var description: String { "\(type.rawValue) \(reason): \(message)" }
}
