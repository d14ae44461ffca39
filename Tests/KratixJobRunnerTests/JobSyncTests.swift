import KubeClient
import Foundation
import KubeModel
import Testing

@testable import KratixJobRunner

/// The Job controller's decisions, without IO.
@Suite struct JobSyncTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    func job(_ spec: String = "", status: JSONValue = [:], deleting: Bool = false) throws -> JobSnapshot {
        var object = KubeObject(apiVersion: "batch/v1", kind: "Job", name: "work", namespace: "default")
        object.json["metadata"]?["uid"] = "job-uid"
        if deleting { object.json["metadata"]?["deletionTimestamp"] = "2023-11-14T22:00:00Z" }
        object.spec = try YAMLReader.singleDocument(in: "template: {spec: {restartPolicy: Never}}\n" + spec)
        object.status = status
        return JobSnapshot(object)
    }

    func sync(_ job: JobSnapshot, _ pods: [PodSnapshot], local: Set<String>? = nil, now: Date = now) -> JobSync.Result {
        JobSync(job: job, pods: pods, localPods: local ?? Set(pods.filter(\.isActive).map(\.uid)), now: now,
                retryBackoff: Backoff(initial: .seconds(1), maximum: .seconds(10))).sync()
    }

    /// The API server accepts 2^63 - 1 seconds for both; the controller must schedule no more than
    /// a year ahead instead of trapping on milliseconds that overflow.
    @Test func hugeDeadlinesAndTTLsAreScheduledAYearAheadAtMost() throws {
        let huge = "9223372036854775807"
        let running = sync(try job("activeDeadlineSeconds: \(huge)", status: ["startTime": .string(Timestamp.format(Self.now))]), [])
        #expect(running.requeueAfter == .scheduled(seconds: .infinity))
        let finished: JSONValue = ["conditions": [["type": "Complete", "status": "True", "lastTransitionTime": .string(Timestamp.format(Self.now))]],
                                   "completionTime": .string(Timestamp.format(Self.now))]
        let kept = sync(try job("ttlSecondsAfterFinished: \(huge)", status: finished), [])
        #expect(kept.deleteJob == false)
        #expect(kept.requeueAfter == .scheduled(seconds: .infinity))
        #expect(Duration.scheduled(seconds: .infinity) <= .longestScheduledDelay + .milliseconds(1))
        #expect(Duration.scheduled(seconds: -.infinity) == .milliseconds(1) && Duration.scheduled(seconds: .nan) == .milliseconds(1))
    }

    @Test func aNewJobGetsAPodAndAStartTime() throws {
        let result = sync(try job(), [])
        #expect(result.createPods == 1)
        #expect(result.status?.startTime == Timestamp.format(Self.now))
        #expect(result.status?.active == 1)
    }

    @Test func successSetsSuccessCriteriaMetThenComplete() throws {
        let result = sync(try job(), [PodSnapshot(name: "a", uid: "a", phase: "Succeeded")])
        let status = try #require(result.status)
        #expect(status.conditions.map(\.type) == ["SuccessCriteriaMet", "Complete"])
        #expect(status.conditions.allSatisfy { $0.status && $0.reason == "CompletionsReached" })
        #expect(status.succeeded == 1 && status.active == 0 && status.completionTime != nil)
        #expect(result.createPods == 0)
    }

    @Test func failuresAreRetriedAfterABackoffUntilTheLimit() throws {
        let failedAt = Self.now.addingTimeInterval(-0.5)
        let first = PodSnapshot(name: "a", uid: "a", phase: "Failed", finishedAt: failedAt)
        let waiting = sync(try job("backoffLimit: 1"), [first])
        #expect(waiting.createPods == 0)
        #expect(waiting.requeueAfter != nil && waiting.requeueAfter! <= .milliseconds(501))
        let retried = sync(try job("backoffLimit: 1"), [first], now: Self.now.addingTimeInterval(1))
        #expect(retried.createPods == 1 && retried.status?.failed == 1)
        let second = PodSnapshot(name: "b", uid: "b", phase: "Failed", finishedAt: Self.now)
        let failed = try #require(sync(try job("backoffLimit: 1"), [first, second]).status)
        #expect(failed.conditions.map(\.type) == ["FailureTarget", "Failed"])
        #expect(failed.conditions[type: "Failed"]?.reason == "BackoffLimitExceeded")
        #expect(failed.conditions[type: "Failed"]?.message == "Job has reached the specified backoff limit")
        #expect(failed.failed == 2 && failed.completionTime == nil)
    }

    @Test func restartsCountUnderOnFailure() throws {
        var snapshot = try job("backoffLimit: 2")
        snapshot.restartsOnFailure = true
        let running = PodSnapshot(name: "a", uid: "a", phase: "Running", restartCount: 2)
        let result = sync(snapshot, [running])
        #expect(result.status?.conditions.map(\.type) == ["FailureTarget"])
        #expect(result.terminate.map(\.pod.uid) == ["a"])
        #expect(result.terminate.first?.reason.podReason == "BackoffLimitExceeded")
    }

    @Test func theDeadlineFailsTheJobAndStopsItsPods() throws {
        let start = Timestamp.format(Self.now.addingTimeInterval(-10))
        let result = sync(try job("activeDeadlineSeconds: 5", status: ["startTime": .string(start)]), [PodSnapshot(name: "a", uid: "a", phase: "Running")])
        #expect(result.status?.conditions[type: "FailureTarget"]?.reason == "DeadlineExceeded")
        #expect(result.terminate.first?.reason == .deadlineExceeded)
        // Once the pod has stopped, the Job is Failed.
        let after = sync(try job("activeDeadlineSeconds: 5", status: result.status?.json ?? [:]), [PodSnapshot(name: "a", uid: "a", phase: "Failed")])
        #expect(after.status?.conditions[type: "Failed"]?.message == "Job was active longer than specified deadline")
    }

    @Test func aRunningJobIsRequeuedForItsDeadline() throws {
        let start = Timestamp.format(Self.now.addingTimeInterval(-2))
        let result = sync(try job("activeDeadlineSeconds: 5", status: ["startTime": .string(start), "active": 1]), [PodSnapshot(name: "a", uid: "a", phase: "Running")])
        #expect(result.requeueAfter.map { $0 > .seconds(2) && $0 <= .seconds(4) } == true)
    }

    @Test func podsNobodyRunsFailAsNodeLost() throws {
        let result = sync(try job("backoffLimit: 3"), [PodSnapshot(name: "a", uid: "a", phase: "Running")], local: [])
        #expect(result.terminate.map(\.reason) == [JobSync.nodeLost])
        #expect(result.status?.failed == 1)
        #expect(result.createPods == 0 || result.requeueAfter != nil)
    }

    @Test func suspensionStopsPodsAndResumingRestarts() throws {
        let suspended = sync(try job("suspend: true"), [PodSnapshot(name: "a", uid: "a", phase: "Running")])
        #expect(suspended.terminate.map(\.delete) == [true])
        #expect(suspended.status?.conditions[type: "Suspended"]?.status == true)
        #expect(suspended.createPods == 0)
        let resumed = sync(try job(status: suspended.status?.json ?? [:]), [])
        #expect(resumed.status?.conditions[type: "Suspended"]?.reason == "JobResumed")
        #expect(resumed.createPods == 1)
    }

    @Test func finishedJobsAreDeletedAfterTheirTTL() throws {
        let done = Timestamp.format(Self.now.addingTimeInterval(-3))
        let status: JSONValue = ["completionTime": .string(done), "conditions": [["type": "Complete", "status": "True", "lastTransitionTime": .string(done)]]]
        #expect(sync(try job("ttlSecondsAfterFinished: 2", status: status), []).deleteJob)
        let later = sync(try job("ttlSecondsAfterFinished: 10", status: status), [])
        #expect(!later.deleteJob && later.requeueAfter.map { $0 > .seconds(6) && $0 <= .seconds(7) + .milliseconds(1) } == true)
        #expect(sync(try job(status: status), []).requeueAfter == nil)
    }

    @Test func aDeletedJobStopsItsPods() throws {
        let result = sync(try job(deleting: true), [PodSnapshot(name: "a", uid: "a", phase: "Running")])
        #expect(result.terminate.map(\.reason) == [.deleted] && result.status == nil && result.createPods == 0)
    }

    @Test func parallelismAndCompletionsBoundThePods() throws {
        let result = sync(try job("completions: 5\nparallelism: 2"), [PodSnapshot(name: "a", uid: "a", phase: "Succeeded")])
        #expect(result.createPods == 2)
        let last = sync(try job("completions: 2\nparallelism: 2"), [PodSnapshot(name: "a", uid: "a", phase: "Succeeded"), PodSnapshot(name: "b", uid: "b", phase: "Running")])
        #expect(last.createPods == 0)
    }

    @Test func nothingChangesWhenNothingHappened() throws {
        let first = sync(try job(), [])
        let pods = [PodSnapshot(name: "a", uid: "a", phase: "Pending")]
        let again = sync(try job(status: first.status?.json ?? [:]), pods)
        #expect(again.status == nil && again.createPods == 0)
    }
}
