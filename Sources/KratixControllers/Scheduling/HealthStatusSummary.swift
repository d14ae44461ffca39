import KratixAPI
import KubeModel

/// The `status.healthStatus` a resource request shows for its HealthRecords (spec §10): the worst
/// state of all its records, and one entry per record.
public enum HealthStatusSummary {
    /// The records about one resource request (same `resourceRef` name and namespace; the Promise
    /// is not part of the filter), in the API's list order.
    public static func records(_ all: [HealthRecord], forResource name: String, namespace: String) -> [HealthRecord] {
        all.filter { ($0.data.resourceRef?.name ?? "") == name && ($0.data.resourceRef?.namespace ?? "") == namespace }
            .sorted { ($0.metadata.namespace ?? "", $0.name) < ($1.metadata.namespace ?? "", $1.name) }
    }

    /// The worst state; `ready` when there are no records.
    public static func state(of records: [HealthRecord]) -> HealthRecordData.State {
        var worst = HealthRecordData.State.ready
        for record in records where record.data.effectiveState.severityRank < worst.severityRank {
            worst = record.data.effectiveState
        }
        return worst
    }

    /// The `healthStatus` object.
    public static func healthStatus(for records: [HealthRecord]) -> JSONValue {
        var entries: [JSONValue] = []
        for record in records {
            var entry: JSONObject = [
                "state": .string(record.data.effectiveState.rawValue),
                "lastRun": .int(record.data.lastRun ?? 0),
                "source": ["name": .string(record.name), "namespace": .string(record.metadata.namespace ?? "")],
            ]
            if let details = record.data.details, !details.isNull { entry["details"] = details }
            entries.append(.object(entry))
        }
        return ["state": .string(state(of: records).rawValue), "healthRecords": .array(entries)]
    }

    /// Whether `healthStatus.healthRecords` of a request names the record.
    public static func lists(_ healthStatus: JSONValue?, record: HealthRecord) -> Bool {
        for entry in healthStatus?["healthRecords"]?.arrayValue ?? [] {
            if entry["source"]?["name"]?.stringValue == record.name { return true }
        }
        return false
    }

    /// The event for the request when the record's state differs from the request's previous one:
    /// Normal for `healthy` and `ready`, Warning otherwise.
    public static func event(previousState: String?, record: HealthRecord) -> SchedulingEvent? {
        let state = record.data.effectiveState
        guard previousState != state.rawValue else { return nil }
        let message = "Health state is \(state.rawValue)"
        return state == .healthy || state == .ready ? .normal("HealthRecord", message) : .warning("HealthRecord", message)
    }
}
