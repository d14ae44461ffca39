import KubeModel

/// A Job's `status` as the controller keeps it.
struct JobStatus: Sendable, Equatable {
    var conditions: [JobCondition] = []
    var startTime: String?
    var completionTime: String?
    var active = 0
    var ready = 0
    var succeeded = 0
    var failed = 0

    init() {}

    init(_ value: JSONValue) {
        conditions = (value["conditions"]?.arrayValue ?? []).compactMap(JobCondition.init)
        startTime = value["startTime"]?.stringValue
        completionTime = value["completionTime"]?.stringValue
        active = Int(value["active"]?.intValue ?? 0)
        ready = Int(value["ready"]?.intValue ?? 0)
        succeeded = Int(value["succeeded"]?.intValue ?? 0)
        failed = Int(value["failed"]?.intValue ?? 0)
    }

    /// Written as a merge patch: zero counters are removed (`omitempty` upstream), `ready` always set.
    var json: JSONValue {
        var object: JSONObject = [:]
        object["conditions"] = conditions.isEmpty ? .null : .array(conditions.map(\.json))
        object["startTime"] = startTime.map(JSONValue.string) ?? .null
        object["completionTime"] = completionTime.map(JSONValue.string) ?? .null
        object["active"] = active == 0 ? .null : .int(Int64(active))
        object["succeeded"] = succeeded == 0 ? .null : .int(Int64(succeeded))
        object["failed"] = failed == 0 ? .null : .int(Int64(failed))
        object["ready"] = .int(Int64(ready))
        return .object(object)
    }

    var isFinished: Bool { conditions.isTrue("Complete") || conditions.isTrue("Failed") }
}
