import Foundation
import KratixAPI
import KubeModel

/// Whether a Promise can take requests: `status.status` (``PromiseStatus/status``).
enum PromiseAvailability: String, Sendable {
    case available = "Available"
    case unavailable = "Unavailable"
}

/// The fields of a Promise's status (``PromiseStatus`` in KratixAPI) that the Promise controller
/// writes, by name, so that its steps say what they change instead of which JSON path. Upstream
/// mirrors several of them into `status.kratix` (``PromiseKratixStatus``); the setters keep both.
/// The document stays JSON underneath because the workflow engine shares it with resource requests
/// and every member the controller does not know must survive its writes.
extension WorkflowStatusDocument {
    var availability: PromiseAvailability? { json["status"]?.stringValue.flatMap(PromiseAvailability.init) }

    /// Sets `status` and, when `mirrored`, `kratix.status`. (Upstream's paused and invalid-Promise
    /// paths set only the first.)
    mutating func setAvailability(_ availability: PromiseAvailability, mirrored: Bool = true) {
        json["status"] = .string(availability.rawValue)
        if mirrored { setKratixField("status", .string(availability.rawValue)) }
    }

    /// Unavailable, with the `Available` condition saying requests cannot be fulfilled.
    mutating func markUnavailable(now: Date) {
        setAvailability(.unavailable)
        setCondition("Available", .false, reason: "PromiseUnavailable", message: "Cannot fulfil resource requests", now: now)
    }

    /// Available since `now`: `status`, `lastAvailableTime` (both mirrored) and the condition.
    mutating func markAvailable(now: Date) {
        let time = JSONValue.string(Timestamp.format(now))
        setAvailability(.available)
        json["lastAvailableTime"] = time
        setKratixField("lastAvailableTime", time)
        setCondition("Available", .true, reason: "PromiseAvailable", message: "Ready to fulfil resource requests", now: now)
    }

    /// `kind` and `apiVersion` of the Promise's API, as recorded (mirrored).
    var api: (kind: String?, apiVersion: String?) { (json["kind"]?.stringValue, json["apiVersion"]?.stringValue) }

    mutating func setAPI(kind: String, apiVersion: String) {
        json["kind"] = .string(kind)
        json["apiVersion"] = .string(apiVersion)
        setKratixField("kind", .string(kind))
        setKratixField("apiVersion", .string(apiVersion))
    }

    /// `version`: the Promise's `kratix.io/promise-version` label, as recorded (mirrored).
    var promiseVersion: String? { json["version"]?.stringValue }

    mutating func setPromiseVersion(_ version: String) {
        json["version"] = .string(version)
        setKratixField("version", .string(version))
    }

    var observedGeneration: Int64? {
        get { json["observedGeneration"]?.intValue }
        set { json["observedGeneration"] = newValue.map(JSONValue.int) }
    }

    /// `requiredPromises`, typed.
    var requiredPromises: [RequiredPromiseStatus] {
        get {
            guard let entries = json["requiredPromises"] else { return [] }
            return (try? JSONValueDecoder().decode([RequiredPromiseStatus].self, from: entries)) ?? []
        }
        set { json["requiredPromises"] = (try? JSONValueEncoder().encode(newValue)) ?? .array([]) }
    }

    /// The three workflow counters at 0 and no pipelines (a Promise without configure pipelines);
    /// whether anything changed.
    mutating func clearWorkflows() -> Bool {
        var changed = false
        for counter in ["workflows", "workflowsSucceeded", "workflowsFailed"] where json[counter] != .int(0) {
            json[counter] = .int(0)
            changed = true
        }
        if !pipelines.isEmpty {
            removePipelines()
            changed = true
        }
        return changed
    }

    /// Sets `status.kratix.<key>` (Kratix mirrors several top-level status fields there).
    mutating func setKratixField(_ key: String, _ value: JSONValue) {
        var kratix = json["kratix"]?.objectValue ?? [:]
        kratix[key] = value
        json["kratix"] = .object(kratix)
    }
}
