import Foundation
import KratixAPI
import KubeModel

/// The `status` of a Promise or resource request, edited the way the workflow engine edits it.
///
/// Works on the JSON tree so that everything the engine does not own (what pipelines wrote through
/// `status.yaml`) survives untouched.
public struct WorkflowStatusDocument: Sendable, Equatable {
    /// How conditions are upserted: Promises use metav1 semantics; resource requests the cluster-api
    /// helper, whose time also moves on a new reason or message and which sorts by type (§8.2).
    public enum ConditionStyle: Sendable {
        case metav1
        case clusterAPI
    }

    public var json: JSONObject
    public var conditionStyle: ConditionStyle

    public init(_ status: JSONValue?, conditionStyle: ConditionStyle) {
        self.json = status?.objectValue ?? [:]
        self.conditionStyle = conditionStyle
    }

    public var value: JSONValue { .object(json) }

    // MARK: Counters and message

    /// `workflows`, `workflowsSucceeded`, `workflowsFailed`; `nil` when absent.
    public func counter(_ key: String) -> Int64? { json[key]?.intValue }

    public mutating func setCounter(_ key: String, _ value: Int64) { json[key] = .int(value) }

    public var message: String? {
        get { json["message"]?.stringValue }
        set { json["message"] = newValue.map(JSONValue.string) }
    }

    // MARK: Conditions

    /// The conditions that decode; entries a pipeline wrote in another shape are skipped here but
    /// kept in ``json``.
    public var conditions: [Condition] {
        (json["conditions"]?.arrayValue ?? []).compactMap { try? JSONValueDecoder().decode(Condition.self, from: $0) }
    }

    public func condition(_ type: String) -> Condition? { conditions[type: type] }

    /// Upserts a condition by type; returns whether anything changed.
    ///
    /// Works on the raw entries so that unknown members and foreign entries survive.
    @discardableResult
    public mutating func setCondition(_ type: String, _ status: Condition.Status, reason: String, message: String, now: Date) -> Bool {
        var list = json["conditions"]?.arrayValue ?? []
        let time = JSONValue.string(Timestamp.format(now))
        if let i = list.firstIndex(where: { $0["type"]?.stringValue == type }) {
            var entry = list[i].objectValue ?? ["type": .string(type)]
            let statusChanged = entry["status"]?.stringValue != status.rawValue
            let changed = statusChanged || entry["reason"]?.stringValue != reason || entry["message"]?.stringValue != message
            guard changed else { return false }
            entry["status"] = .string(status.rawValue)
            entry["reason"] = .string(reason)
            entry["message"] = .string(message)
            if statusChanged || conditionStyle == .clusterAPI || entry["lastTransitionTime"] == nil {
                entry["lastTransitionTime"] = time
            }
            list[i] = .object(entry)
        } else {
            list.append(["type": .string(type), "status": .string(status.rawValue), "reason": .string(reason),
                         "message": .string(message), "lastTransitionTime": time])
        }
        if conditionStyle == .clusterAPI {
            list = list.enumerated().sorted { a, b in
                let ta = a.element["type"]?.stringValue ?? "", tb = b.element["type"]?.stringValue ?? ""
                if (ta == "Ready") != (tb == "Ready") { return ta == "Ready" }
                return ta != tb ? ta < tb : a.offset < b.offset
            }.map(\.element)
        }
        json["conditions"] = .array(list)
        return true
    }

    // MARK: Pipelines (`status.kratix.workflows`)

    private var workflows: JSONObject {
        get { json["kratix"]?["workflows"]?.objectValue ?? [:] }
        set {
            var kratix = json["kratix"]?.objectValue ?? [:]
            kratix["workflows"] = .object(newValue)
            json["kratix"] = .object(kratix)
        }
    }

    /// `status.kratix.workflows.pipelines`, as written.
    public var pipelines: [JSONObject] {
        (workflows["pipelines"]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    public func phase(of pipeline: String) -> String? {
        pipelines.first { $0["name"]?.stringValue == pipeline }?["phase"]?.stringValue
    }

    /// The message of `pipeline`'s entry: why it is `Suspended`, or why the pipeline adapter
    /// marked it `Failed` for good (the controller's own `Failed` has none).
    public func message(of pipeline: String) -> String? {
        pipelines.first { $0["name"]?.stringValue == pipeline }?["message"]?.stringValue
    }

    /// Index of the first entry in phase `Suspended`, or `nil`.
    public var suspendedPipelineIndex: Int? {
        pipelines.firstIndex { $0["phase"]?.stringValue == PipelineStatus.Phase.suspended.rawValue }
    }

    public var suspendedGeneration: Int64? { workflows["suspendedGeneration"]?.intValue }

    /// Every entry in phase `Suspended` with a parseable `nextRetryAt`.
    public var retryTimes: [Date] {
        pipelines.filter { $0["phase"]?.stringValue == PipelineStatus.Phase.suspended.rawValue }
            .compactMap { $0["nextRetryAt"]?.stringValue.flatMap(Timestamp.parse) }
    }

    private mutating func setPipelines(_ entries: [JSONObject]) {
        var w = workflows
        w["pipelines"] = .array(entries.map(JSONValue.object))
        workflows = w
    }

    /// One `Pending` entry per name, in order. Entries already `Pending` keep their time; the
    /// suspension details and `suspendedGeneration` go.
    public mutating func resetPipelines(to names: [String], now: Date) {
        let old = pipelines
        let entries: [JSONObject] = names.map { name in
            if let existing = old.first(where: { $0["name"]?.stringValue == name }),
               existing["phase"]?.stringValue == PipelineStatus.Phase.pending.rawValue {
                var kept = existing
                for key in ["message", "attempts", "nextRetryAt"] { kept[key] = nil }
                return kept
            }
            return ["name": .string(name), "phase": .string(PipelineStatus.Phase.pending.rawValue),
                    "lastTransitionTime": .string(Timestamp.format(now))]
        }
        setPipelines(entries)
        var w = workflows
        w["suspendedGeneration"] = nil
        workflows = w
    }

    /// Moves `pipeline` to `phase`, stamping `lastTransitionTime`; leaving `Suspended` or `Failed`
    /// drops the message. A missing entry is appended. Returns whether anything changed.
    @discardableResult
    public mutating func setPhase(_ phase: PipelineStatus.Phase, of pipeline: String, now: Date) -> Bool {
        var entries = pipelines
        guard let i = entries.firstIndex(where: { $0["name"]?.stringValue == pipeline }) else {
            entries.append(["name": .string(pipeline), "phase": .string(phase.rawValue), "lastTransitionTime": .string(Timestamp.format(now))])
            setPipelines(entries)
            return true
        }
        let current = entries[i]["phase"]?.stringValue
        guard current != phase.rawValue else { return false }
        if current == PipelineStatus.Phase.suspended.rawValue || current == PipelineStatus.Phase.failed.rawValue {
            entries[i]["message"] = nil
        }
        entries[i]["phase"] = .string(phase.rawValue)
        entries[i]["lastTransitionTime"] = .string(Timestamp.format(now))
        setPipelines(entries)
        return true
    }
}
