import KubeModel

/// A `batch/v1` JobCondition (it has `lastProbeTime`, which `metav1.Condition` does not).
struct JobCondition: Sendable, Equatable {
    var type: String
    var status: Bool
    var reason: String?
    var message: String?
    var lastProbeTime: String?
    var lastTransitionTime: String?

    init(type: String, status: Bool, reason: String? = nil, message: String? = nil, lastProbeTime: String? = nil, lastTransitionTime: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
    }

    init?(_ value: JSONValue) {
        guard let type = value["type"]?.stringValue else { return nil }
        self.type = type
        status = value["status"]?.stringValue == "True"
        reason = value["reason"]?.stringValue
        message = value["message"]?.stringValue
        lastProbeTime = value["lastProbeTime"]?.stringValue
        lastTransitionTime = value["lastTransitionTime"]?.stringValue
    }

    var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "status": .string(status ? "True" : "False")]
        if let reason { object["reason"] = .string(reason) }
        if let message { object["message"] = .string(message) }
        object["lastProbeTime"] = lastProbeTime.map(JSONValue.string) ?? .null
        object["lastTransitionTime"] = lastTransitionTime.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

extension Array where Element == JobCondition {
    func isTrue(_ type: String) -> Bool { contains { $0.type == type && $0.status } }
    subscript(type type: String) -> JobCondition? { first { $0.type == type } }

    /// Adds or updates a condition as the Job controller does: both times move when the status changes.
    mutating func set(_ type: String, _ status: Bool, reason: String?, message: String?, now: String) {
        if let index = firstIndex(where: { $0.type == type }) {
            if self[index].status != status {
                self[index].lastTransitionTime = now
                self[index].lastProbeTime = now
            }
            self[index].status = status
            self[index].reason = reason
            self[index].message = message
        } else {
            append(JobCondition(type: type, status: status, reason: reason, message: message, lastProbeTime: now, lastTransitionTime: now))
        }
    }
}
