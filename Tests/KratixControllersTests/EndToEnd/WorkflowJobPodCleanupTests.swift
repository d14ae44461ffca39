import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §3 acceptance scenario 2: with
/// `podTTLSecondsAfterFinished`, a finished workflow Job's Pod goes after the TTL and the Job stays.
@Suite(.serialized) struct WorkflowJobPodCleanupTests {
    @Test func podsOfFinishedJobsGoAfterTheTTLAndTheJobStays() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("workflows:\n  jobOptions: {podTTLSecondsAfterFinished: 2}")
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: ttl}
                spec:
                  api:
                \(PlatformHarness.openAPI(plural: "ttls", kind: "TTL"))
                  workflows:
                    resource:
                      configure:
                        - apiVersion: platform.kratix.io/v1alpha1
                          kind: Pipeline
                          metadata: {name: quick}
                          spec: {containers: [{name: c, image: busybox, command: [/bin/sh, -c, "true"]}]}
                """)
            let served = await platform.eventually(timeout: .seconds(60)) {
                await platform.get(Promise.groupVersionResource, "ttl")?.condition("Available")?["status"] == "True"
            }
            #expect(served)
            try await platform.kubectl(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: TTL\nmetadata: {name: t, namespace: default}\nspec: {}\n")
            let finished = await platform.eventually(timeout: .seconds(90)) {
                try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=t").contains {
                    $0.condition("Complete")?["status"] == "True"
                }
            }
            #expect(finished)
            let job = try #require(try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=t").first)
            let completed = try #require(job[at: ["status", "completionTime"]]?.stringValue.flatMap(Timestamp.parse))
            let podsGone = await platform.eventually(timeout: .seconds(30)) {
                try await platform.list(.pods, namespace: "default", labels: "batch.kubernetes.io/job-name=\(job.name ?? "")").isEmpty
            }
            #expect(podsGone)
            #expect(Date().timeIntervalSince(completed) >= 2, "not before the TTL")
            #expect(await platform.get(.jobs, job.name ?? "", namespace: "default") != nil, "the Job stays")
        }
    }

    @Test func terminalTimeAndOwnership() throws {
        var job = KubeObject(apiVersion: "batch/v1", kind: "Job", name: "j", namespace: "default")
        job.json["metadata"]?["uid"] = "u1"
        #expect(WorkflowJobPodCleanup.terminalTime(job) == nil)
        job.status = ["conditions": [["type": "Failed", "status": "True", "lastTransitionTime": "2026-01-01T00:00:10Z"]]]
        #expect(WorkflowJobPodCleanup.terminalTime(job) == Timestamp.parse("2026-01-01T00:00:10Z"))
        job.status = ["completionTime": "2026-01-01T00:00:05Z", "conditions": [["type": "Complete", "status": "True"]]]
        #expect(WorkflowJobPodCleanup.terminalTime(job) == Timestamp.parse("2026-01-01T00:00:05Z"))
        var pod = KubeObject(apiVersion: "v1", kind: "Pod", name: "p", namespace: "default")
        pod.json["metadata"]?["ownerReferences"] = [["kind": "Job", "name": "j", "uid": "u1"]]
        #expect(WorkflowJobPodCleanup.ownedBy(job, pod))
        pod.json["metadata"]?["ownerReferences"] = [["kind": "Job", "name": "j", "uid": "other"]]
        #expect(!WorkflowJobPodCleanup.ownedBy(job, pod))
        pod.json["metadata"]?["ownerReferences"] = [["kind": "Job", "name": "j"]]
        #expect(WorkflowJobPodCleanup.ownedBy(job, pod))
    }
}
