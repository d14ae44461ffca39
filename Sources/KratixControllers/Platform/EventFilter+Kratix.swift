import KratixAPI
import KubeModel
import KubeRuntime

/// The events of other kinds that move a Kratix object on. Each lets through only the changes its
/// controller reads, so a pipeline's Job or a request's Work costs its owner one pass, not one per
/// status write.
extension EventFilter {
    /// The pipeline adapter marked a pipeline of the object failed for good (its output cannot be
    /// stored): the controller fails the workflow and suspends the Job now, without waiting for
    /// the Job to exhaust its retries.
    public static let pipelineOutputRejected = onUpdate { old, new in
        rejectedPipelines(old) != rejectedPipelines(new)
    }

    static func rejectedPipelines(_ object: KubeObject) -> [String] {
        WorkflowStatusDocument(object.status, conditionStyle: .clusterAPI).pipelines
            .filter { $0["phase"]?.stringValue == PipelineStatus.Phase.failed.rawValue && $0["message"] != nil }
            .compactMap { $0["name"]?.stringValue }
    }

    /// A workflow Job finished (succeeded, failed or suspended), was resumed, or went. Its creation
    /// is the controller's own doing.
    public static let jobFinishedOrGone = on(added: false, deleted: true) { old, new in
        let before = WorkflowJob(old), after = WorkflowJob(new)
        return before.isRunning != after.isRunning || before.isFailed != after.isFailed
            || old.spec?["suspend"] != new.spec?["suspend"] || old.deletionTimestamp != new.deletionTimestamp
    }

    /// A Work's `Ready` message changed (what `WorksSucceeded` reads), or the Work went. A new
    /// Work has none yet: it is pending, as its owner already says while its pipeline runs.
    public static let workReadinessChanged = on(added: false, deleted: true) { old, new in
        readyMessage(old) != readyMessage(new) || old.deletionTimestamp != new.deletionTimestamp
    }

    /// A WorkPlacement's write started or stopped failing (what its Work's `Ready` reads), or the
    /// placement went. Its creation and spec are the Work controller's own writes.
    public static let placementFailureChanged = on(added: false, deleted: true) { old, new in
        writeFailed(old) != writeFailed(new) || old.deletionTimestamp != new.deletionTimestamp
    }

    static func readyMessage(_ object: KubeObject) -> String? {
        condition("Ready", of: object)?["message"]?.stringValue
    }

    static func writeFailed(_ object: KubeObject) -> Bool {
        condition(WorkPlacementConditions.writeSucceeded, of: object)?["status"]?.stringValue == "False"
    }

    static func condition(_ type: String, of object: KubeObject) -> JSONValue? {
        (object.status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
    }
}
