import KubeRuntime
import Foundation
import KubeModel

/// What the Job controller reads of a Job.
struct JobSnapshot: Sendable {
    var name: String
    var namespace: String
    var uid: String
    var isDeleting: Bool
    var suspend: Bool
    var backoffLimit: Int
    /// `nil`: the work-queue pattern (done when one pod succeeded and none is active).
    var completions: Int?
    var parallelism: Int
    var activeDeadlineSeconds: Int64?
    var ttlSecondsAfterFinished: Int64?
    var restartsOnFailure: Bool
    var status: JobStatus

    init(_ job: KubeObject) {
        let spec = job.spec ?? .object([:])
        name = job.name ?? ""
        namespace = job.namespace ?? "default"
        uid = job.uid ?? ""
        isDeleting = job.deletionTimestamp != nil
        suspend = spec["suspend"]?.boolValue ?? false
        backoffLimit = max(0, Int(spec["backoffLimit"]?.intValue ?? 6))
        let completions = spec["completions"]?.intValue.map { Int($0) }
        let parallelism = spec["parallelism"]?.intValue.map { Int($0) }
        // API defaulting: neither set means one pod to one completion.
        self.completions = completions ?? (parallelism == nil ? 1 : nil)
        self.parallelism = max(0, parallelism ?? 1)
        activeDeadlineSeconds = spec["activeDeadlineSeconds"]?.intValue
        ttlSecondsAfterFinished = spec["ttlSecondsAfterFinished"]?.intValue
        let restartPolicy = spec[path: ["template", "spec", "restartPolicy"]]?.stringValue
        restartsOnFailure = restartPolicy == "OnFailure"
        status = JobStatus(job.status ?? .object([:]))
    }

    var key: String { "\(namespace)/\(name)" }
    var objectKey: ObjectKey { ObjectKey(namespace: namespace, name: name) }
}
