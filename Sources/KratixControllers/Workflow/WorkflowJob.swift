import Foundation
import KratixAPI
import KubeModel

/// A workflow Job as the engine judges it (§5.1): its labels, age and state.
public struct WorkflowJob: Sendable, Equatable {
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    /// `metadata.creationTimestamp`.
    public var creationTimestamp: Date?
    /// Kratix's creation stamp in nanoseconds since the epoch (``JobCreationStamp``).
    public var stamp: Int64?
    public var active: Int64
    public var succeeded: Int64
    public var failed: Int64
    /// The types of `status.conditions` (`Complete`, `Failed`, `Suspended`, ...), whatever their status.
    public var conditionTypes: [String]

    public init(
        name: String, namespace: String, labels: [String: String], creationTimestamp: Date?, active: Int64 = 0,
        succeeded: Int64 = 0, failed: Int64 = 0, conditionTypes: [String] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.creationTimestamp = creationTimestamp
        self.active = active
        self.succeeded = succeeded
        self.failed = failed
        self.conditionTypes = conditionTypes
    }

    /// Reads a `batch/v1` Job.
    public init(_ job: KubeObject) {
        let status = job.status
        self.init(
            name: job.name ?? "",
            namespace: job.namespace ?? "",
            labels: job.labels,
            creationTimestamp: job.json["metadata"]?["creationTimestamp"]?.stringValue.flatMap(Timestamp.parse),
            active: status?["active"]?.intValue ?? 0,
            succeeded: status?["succeeded"]?.intValue ?? 0,
            failed: status?["failed"]?.intValue ?? 0,
            conditionTypes: (status?["conditions"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue })
        stamp = job.annotations[JobCreationStamp.annotation].flatMap(JobCreationStamp.nanoseconds)
    }

    /// Active pods, or none of `Complete`, `Suspended`, `Failed` yet (a new Job has no conditions).
    public var isRunning: Bool {
        if active > 0 { return true }
        return !conditionTypes.contains { $0 == "Complete" || $0 == "Suspended" || $0 == "Failed" }
    }

    /// A `Failed` or `Suspended` condition, whatever its status.
    public var isFailed: Bool {
        conditionTypes.contains { $0 == "Failed" || $0 == "Suspended" }
    }

    public var isCompleted: Bool { !isRunning && !isFailed }

    /// Whether this Job ran the pipeline whose freshly built Job has `pipelineLabels`: the hash,
    /// workflow type and action, pipeline hash and pipeline name must all agree.
    public func belongs(toPipelineWithLabels pipelineLabels: [String: String]) -> Bool {
        for key in [KratixLabels.hash, KratixLabels.workflowType, KratixLabels.workflowAction, KratixLabels.pipelineHash,
                    KratixLabels.pipelineName] where labels[key] != pipelineLabels[key] {
            return false
        }
        return true
    }

    /// Whether this Job carries every label in `selector`.
    public func hasLabels(_ selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// The position among the object's Jobs: the stamp, else the first nanosecond of the
    /// `creationTimestamp` second; Jobs with neither sort as the oldest.
    var order: Int64? {
        stamp ?? creationTimestamp.map { Int64($0.timeIntervalSince1970.rounded(.down)) * 1_000_000_000 }
    }

    /// Newest first (upstream's "most recent"), by ``order``; list order breaks ties.
    static func newestFirst(_ jobs: [WorkflowJob]) -> [WorkflowJob] {
        jobs.enumerated().sorted { a, b in
            let ta = a.element.order ?? .min
            let tb = b.element.order ?? .min
            return ta != tb ? ta > tb : a.offset < b.offset
        }.map(\.element)
    }
}
