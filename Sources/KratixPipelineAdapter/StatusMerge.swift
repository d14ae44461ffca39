import Foundation
import KratixAPI
import KubeModel

/// The status writer's edit of the object's status (§6.5 steps 2–8), without IO.
public struct StatusMerge: Sendable {
    public var workflowType: String
    public var pipelineName: String
    public var isLastPipeline: Bool
    public var dryRun: Bool
    /// The object's `metadata.generation`, recorded as `suspendedGeneration` when suspending.
    public var generation: Int64
    public var now: Date

    public init(workflowType: String, pipelineName: String, isLastPipeline: Bool, dryRun: Bool = false, generation: Int64,
                now: Date = Date()) {
        self.workflowType = workflowType
        self.pipelineName = pipelineName
        self.isLastPipeline = isLastPipeline
        self.dryRun = dryRun
        self.generation = generation
        self.now = now
    }

    public struct Result: Sendable, Equatable {
        public var status: JSONObject
        /// The object must be labelled `kratix.io/workflow-suspended=true` (a suspend or retry).
        public var suspendWorkflow: Bool
        /// For the log: keys a Promise's CRD will prune.
        public var warnings: [String]
    }

    /// Reads `status.yaml`'s text: a map, or nothing for an empty file. A top-level `kratix` key is
    /// refused, because that subtree is Kratix's bookkeeping.
    public static func parseIncoming(_ text: String, file: String) throws(PipelineAdapterError) -> JSONObject {
        let value = try PipelineFiles.yamlDocument(text, file: file)
        switch value {
        case .null: return [:]
        case .object(let o):
            if o["kratix"] != nil {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "the top-level key \"kratix\" is reserved for Kratix")
            }
            return o
        default:
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "expected a map, found \(value.typeName)")
        }
    }

    /// Merges `incoming` into `existing` and applies the workflow bookkeeping.
    public func apply(existing: JSONObject, incoming: JSONObject, control: WorkflowControl,
                      controlFile: String = "workflow-control.yaml") throws(PipelineAdapterError) -> Result {
        var status = existing
        var warnings: [String] = []

        // Shallow merge: a key from status.yaml replaces the old value wholesale, except
        // `conditions`, which merge by type.
        for (key, value) in incoming {
            if key == "conditions", let new = value.arrayValue {
                status[key] = .array(Self.mergeConditions(existing[key]?.arrayValue ?? [], new))
            } else {
                status[key] = value
            }
        }
        if workflowType == WorkflowType.promise.rawValue {
            let ignored = incoming.keys.filter { $0 != "message" }.sorted()
            if !ignored.isEmpty {
                warnings.append("a Promise's status keeps only \"message\"; these keys will be pruned: \(ignored.joined(separator: ", "))")
            }
        }

        let stopping = control.suspendsOrRetries
        let retryDelay = try control.retryDelay(file: controlFile)
        if isLastPipeline && !stopping {
            if status["message"]?.stringValue == "Pending" {
                status["message"] = .string(workflowType == WorkflowType.promise.rawValue ? "Promise configured" : "Resource requested")
            }
            if status["kratix"]?["workflows"]?["suspendedGeneration"] != nil {
                Self.editWorkflows(&status) { $0["suspendedGeneration"] = nil }
            }
            status["conditions"] = .array(Self.mergeConditions(status["conditions"]?.arrayValue ?? [], [[
                "type": "ConfigureWorkflowCompleted", "status": "True", "reason": "PipelinesExecutedSuccessfully",
                "message": "Pipelines completed", "lastTransitionTime": .string(Timestamp.format(now)),
            ]]))
        }

        if workflowType == WorkflowType.promise.rawValue || workflowType == WorkflowType.resource.rawValue {
            if stopping {
                try updatePipeline(&status) { entry in
                    entry["phase"] = .string(PipelineStatus.Phase.suspended.rawValue)
                    entry["message"] = control.message.flatMap { $0.isEmpty ? nil : JSONValue.string($0) }
                    if let retryDelay {
                        let next = now.addingTimeInterval(retryDelay.timeIntervalValue)
                        entry["nextRetryAt"] = .string(Timestamp.format(next))
                        entry["attempts"] = .int((entry["attempts"]?.intValue ?? 0) + 1)
                    } else {
                        entry["nextRetryAt"] = nil
                        entry["attempts"] = nil
                    }
                }
                Self.editWorkflows(&status) { $0["suspendedGeneration"] = .int(generation) }
            } else {
                try updatePipeline(&status) { entry in
                    entry["phase"] = .string(PipelineStatus.Phase.running.rawValue)
                    for key in ["message", "attempts", "nextRetryAt"] { entry[key] = nil }
                }
            }
        }

        if dryRun { status["message"] = "Dry run executed" }
        return Result(status: status, suspendWorkflow: stopping, warnings: warnings)
    }

    /// Edits this pipeline's entry in `status.kratix.workflows.pipelines`, stamping the time when
    /// the phase changes. Without a pipeline list there is nothing to edit; a list without this
    /// pipeline is an error (the controller writes the list before starting any Job).
    private func updatePipeline(_ status: inout JSONObject, _ edit: (inout JSONObject) -> Void) throws(PipelineAdapterError) {
        guard let list = status["kratix"]?["workflows"]?["pipelines"]?.arrayValue else { return }
        guard let index = list.firstIndex(where: { $0["name"]?.stringValue == pipelineName }) else {
            throw PipelineAdapterError(.invalidConfiguration, file: "status.kratix.workflows.pipelines",
                                       message: "has no entry for pipeline \"\(pipelineName)\"")
        }
        var entries = list
        var entry = entries[index].objectValue ?? [:]
        let before = entry["phase"]
        edit(&entry)
        if entry["phase"] != before { entry["lastTransitionTime"] = .string(Timestamp.format(now)) }
        entries[index] = .object(entry)
        Self.editWorkflows(&status) { $0["pipelines"] = .array(entries) }
    }

    private static func editWorkflows(_ status: inout JSONObject, _ edit: (inout JSONObject) -> Void) {
        var kratix = status["kratix"]?.objectValue ?? [:]
        var workflows = kratix["workflows"]?.objectValue ?? [:]
        edit(&workflows)
        kratix["workflows"] = .object(workflows)
        status["kratix"] = .object(kratix)
    }

    /// Conditions merged by `type`: an incoming entry replaces the existing one of its type in
    /// place; new types are appended.
    static func mergeConditions(_ existing: [JSONValue], _ incoming: [JSONValue]) -> [JSONValue] {
        var out = existing
        for condition in incoming {
            if let type = condition["type"]?.stringValue, let i = out.firstIndex(where: { $0["type"]?.stringValue == type }) {
                out[i] = condition
            } else {
                out.append(condition)
            }
        }
        return out
    }
}
