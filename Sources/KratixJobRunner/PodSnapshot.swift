import Foundation
import KubeModel

/// What the Job controller reads of one of the Job's pods.
struct PodSnapshot: Sendable, Equatable {
    var name: String
    var uid: String
    var phase: String
    var isDeleting: Bool
    var isReady: Bool
    /// Container restarts (init and main), which count against `backoffLimit` under `OnFailure`.
    var restartCount: Int
    /// When the last container finished, for the retry back-off.
    var finishedAt: Date?

    init(name: String, uid: String, phase: String, isDeleting: Bool = false, isReady: Bool = false, restartCount: Int = 0, finishedAt: Date? = nil) {
        self.name = name
        self.uid = uid
        self.phase = phase
        self.isDeleting = isDeleting
        self.isReady = isReady
        self.restartCount = restartCount
        self.finishedAt = finishedAt
    }

    init(_ pod: KubeObject) {
        let status = pod.status ?? .object([:])
        name = pod.name ?? ""
        uid = pod.uid ?? ""
        phase = status["phase"]?.stringValue ?? "Pending"
        isDeleting = pod.deletionTimestamp != nil
        isReady = (status["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
        let containers = (status["initContainerStatuses"]?.arrayValue ?? []) + (status["containerStatuses"]?.arrayValue ?? [])
        restartCount = containers.reduce(0) { $0 + Int($1["restartCount"]?.intValue ?? 0) }
        finishedAt = containers.compactMap { $0[path: ["state", "terminated", "finishedAt"]]?.stringValue.flatMap(Timestamp.parse) }.max()
        if finishedAt == nil, phase == "Failed" || phase == "Succeeded" {
            // A pod that failed before any container ran (ErrImagePull): when it stopped being ready.
            finishedAt = (status["conditions"]?.arrayValue ?? []).first { $0["type"] == "Ready" }?["lastTransitionTime"]?
                .stringValue.flatMap(Timestamp.parse)
        }
    }

    var isActive: Bool { phase != "Succeeded" && phase != "Failed" && !isDeleting }
}
