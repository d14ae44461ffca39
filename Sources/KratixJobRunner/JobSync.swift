import KubeClient
import Foundation
import KubeModel

/// One pass of the Job controller as a pure function: from a Job, its pods and which of them this
/// runner is running, what to do — pods to create or stop, the new status, whether the Job's time to
/// live is over — with all IO left to ``JobController``.
///
/// It follows the upstream Job controller (1.31): retries up to `backoffLimit` (pod failures, or
/// container restarts under `OnFailure`), `activeDeadlineSeconds`, `suspend`, `completions` and
/// `parallelism` (non-indexed), and the condition pairs `FailureTarget`→`Failed` and
/// `SuccessCriteriaMet`→`Complete`, the second of each pair set once no pod is active any more.
/// Deviation: pods stopped because the Job failed are marked `Failed` and kept (for their logs)
/// instead of being deleted.
struct JobSync: Sendable {
    /// A pod to stop.
    struct Termination: Sendable, Equatable {
        var pod: PodSnapshot
        var reason: PodCancellation.Reason
        /// Delete the pod as well (suspension), rather than keep it as `Failed`.
        var delete: Bool
    }

    struct Result: Sendable, Equatable {
        var createPods = 0
        var terminate: [Termination] = []
        /// The new status, when it differs from the Job's.
        var status: JobStatus?
        var deleteJob = false
        var requeueAfter: Duration?

        mutating func requeue(after delay: Duration) {
            requeueAfter = min(requeueAfter ?? delay, delay)
        }
    }

    static let nodeLost = PodCancellation.Reason(podReason: "NodeLost", message: "the runner restarted while the pod ran")
    static let backoffLimitMessage = "Job has reached the specified backoff limit"
    static let deadlineMessage = "Job was active longer than specified deadline"
    static let completionsMessage = "Reached expected number of succeeded pods"

    var job: JobSnapshot
    var pods: [PodSnapshot]
    /// Uids of the pods this runner is running or about to run.
    var localPods: Set<String>
    var now: Date
    /// Delay between a failed pod and its replacement.
    var retryBackoff: Backoff

    func sync() -> Result {
        var result = Result()
        let nowText = Timestamp.format(now)
        let active = pods.filter(\.isActive)
        // Active pods nobody runs belong to a runner that went away: they failed.
        let orphans = active.filter { !localPods.contains($0.uid) }
        let running = active.filter { localPods.contains($0.uid) }

        if job.isDeleting {
            result.terminate = running.map { Termination(pod: $0, reason: .deleted, delete: false) }
            return result
        }
        result.terminate = orphans.map { Termination(pod: $0, reason: Self.nodeLost, delete: false) }

        var status = job.status
        if status.isFinished {
            result.terminate += running.map { Termination(pod: $0, reason: .deleted, delete: false) }
            if let ttl = job.ttlSecondsAfterFinished {
                let finished = (status.completionTime ?? status.conditions.first { ($0.type == "Complete" || $0.type == "Failed") && $0.status }?.lastTransitionTime)
                    .flatMap(Timestamp.parse) ?? now
                let expiry = finished.addingTimeInterval(Double(ttl))
                if expiry <= now {
                    result.deleteJob = true
                } else {
                    result.requeue(after: .scheduled(seconds: expiry.timeIntervalSince(now)))
                }
            }
            return result
        }

        status.succeeded = max(status.succeeded, pods.count { $0.phase == "Succeeded" })
        status.failed = max(status.failed, pods.count { $0.phase == "Failed" } + orphans.count)
        status.ready = running.count { $0.isReady }
        status.active = running.count

        if job.suspend {
            result.terminate += running.map { Termination(pod: $0, reason: PodCancellation.Reason(podReason: nil, message: "Job suspended"), delete: true) }
            status.active = 0
            status.ready = 0
            status.conditions.set("Suspended", true, reason: "JobSuspended", message: "Job suspended", now: nowText)
            return finish(result, status)
        }
        if status.conditions.isTrue("Suspended") {
            status.conditions.set("Suspended", false, reason: "JobResumed", message: "Job resumed", now: nowText)
            status.startTime = nowText
        }
        if status.startTime == nil { status.startTime = nowText }

        // A verdict already reached waits for the pods still running to stop.
        if let target = status.conditions[type: "FailureTarget"], target.status {
            let reason = target.reason == "DeadlineExceeded" ? PodCancellation.Reason.deadlineExceeded
                : PodCancellation.Reason(podReason: target.reason, message: target.message ?? Self.backoffLimitMessage)
            result.terminate += running.map { Termination(pod: $0, reason: reason, delete: false) }
            if running.isEmpty {
                status.conditions.set("Failed", true, reason: target.reason, message: target.message, now: nowText)
            }
            return finish(result, status)
        }
        if status.conditions.isTrue("SuccessCriteriaMet") {
            result.terminate += running.map { Termination(pod: $0, reason: .deleted, delete: false) }
            if running.isEmpty { markComplete(&status, nowText) }
            return finish(result, status)
        }

        if let failure = failure(status, running: running) {
            status.conditions.set("FailureTarget", true, reason: failure.reason, message: failure.message, now: nowText)
            let reason = failure.reason == "DeadlineExceeded" ? PodCancellation.Reason.deadlineExceeded
                : PodCancellation.Reason(podReason: failure.reason, message: failure.message)
            result.terminate += running.map { Termination(pod: $0, reason: reason, delete: false) }
            if running.isEmpty {
                status.conditions.set("Failed", true, reason: failure.reason, message: failure.message, now: nowText)
            }
            return finish(result, status)
        }

        let complete: Bool
        if let completions = job.completions {
            complete = status.succeeded >= completions
        } else {
            complete = status.succeeded > 0
        }
        if complete {
            status.conditions.set("SuccessCriteriaMet", true, reason: "CompletionsReached", message: Self.completionsMessage, now: nowText)
            // Non-indexed Jobs stop the pods still running once enough have succeeded.
            if job.completions != nil {
                result.terminate += running.map { Termination(pod: $0, reason: .deleted, delete: false) }
            }
            if running.isEmpty { markComplete(&status, nowText) }
            return finish(result, status)
        }

        let wanted = job.completions.map { min(job.parallelism, $0 - status.succeeded) } ?? job.parallelism
        if running.count < wanted {
            let failures = status.failed
            // Pods found abandoned fail now.
            let lastFailure = (pods.filter { $0.phase == "Failed" }.compactMap(\.finishedAt) + (orphans.isEmpty ? [] : [now])).max()
            let delay = retryBackoff.delay(afterFailures: failures)
            if failures > 0, let lastFailure, lastFailure.addingTimeInterval(Self.seconds(delay)) > now {
                let remaining = lastFailure.addingTimeInterval(Self.seconds(delay)).timeIntervalSince(now)
                result.requeue(after: .scheduled(seconds: remaining))
            } else {
                result.createPods = wanted - running.count
                status.active += result.createPods
            }
        }
        if let deadline = job.activeDeadlineSeconds, let start = status.startTime.flatMap(Timestamp.parse) {
            let remaining = start.addingTimeInterval(Double(deadline)).timeIntervalSince(now)
            result.requeue(after: .scheduled(seconds: remaining))
        }
        return finish(result, status)
    }

    /// Why the Job fails now, if it does: too many failed pods, too many restarts under
    /// `OnFailure`, or its deadline passed.
    private func failure(_ status: JobStatus, running: [PodSnapshot]) -> (reason: String, message: String)? {
        if status.failed > job.backoffLimit {
            return ("BackoffLimitExceeded", Self.backoffLimitMessage)
        }
        if job.restartsOnFailure {
            let restarts = running.reduce(0) { $0 + $1.restartCount }
            if job.backoffLimit == 0 ? restarts > 0 : restarts >= job.backoffLimit {
                return ("BackoffLimitExceeded", Self.backoffLimitMessage)
            }
        }
        if let deadline = job.activeDeadlineSeconds, let start = status.startTime.flatMap(Timestamp.parse),
            now.timeIntervalSince(start) >= Double(deadline)
        {
            return ("DeadlineExceeded", Self.deadlineMessage)
        }
        return nil
    }

    private func markComplete(_ status: inout JobStatus, _ now: String) {
        status.conditions.set("Complete", true, reason: "CompletionsReached", message: Self.completionsMessage, now: now)
        status.completionTime = status.completionTime ?? now
    }

    private func finish(_ result: Result, _ status: JobStatus) -> Result {
        var result = result
        if status != job.status { result.status = status }
        return result
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
