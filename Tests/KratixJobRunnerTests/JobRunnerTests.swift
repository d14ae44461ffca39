import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

@testable import KratixJobRunner

/// The runner against the embedded API server (TLS), through the real client and kubectl.
@Suite struct JobRunnerTests {
    @Test func aJobPassesFilesFromInitContainersToTheMainContainer() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("pipeline", podSpec: """
                restartPolicy: Never
                volumes: [{name: shared-output, emptyDir: {}}]
                initContainers:
                  - name: generate
                    image: test/shell
                    args: ["-c", "echo 'kind: Thing' > /kratix/output/thing.yaml; echo generated"]
                    volumeMounts: [{name: shared-output, mountPath: /kratix/output}]
                containers:
                  - name: publish
                    image: test/shell
                    args: ["-c", "cat /kratix/output/thing.yaml"]
                    volumeMounts: [{name: shared-output, mountPath: /kratix/output}]
                """)
            let wait = try await runner.server.kubectl(["wait", "--for=condition=complete", "job/pipeline", "--timeout=60s"])
            #expect(wait.status == 0, "\(wait.stderr)")
            let job = try await runner.job("pipeline")
            #expect(job.conditionTypes() == ["SuccessCriteriaMet", "Complete"])
            #expect(job.condition("Complete")?["reason"] == "CompletionsReached")
            #expect(job.status?["succeeded"] == 1 && job.status?["active"] == nil && job.status?["ready"] == 0)
            #expect(job.status?["startTime"]?.stringValue != nil && job.status?["completionTime"]?.stringValue != nil)

            let pods = try await runner.pods(ofJob: "pipeline")
            let pod = try #require(pods.first)
            #expect(pods.count == 1)
            #expect(pod.status?["phase"] == "Succeeded")
            #expect(pod.name?.hasPrefix("pipeline-") == true && pod.name?.count == "pipeline-".count + 5)
            #expect(pod.spec?["nodeName"] == "kratix-runner")
            #expect(pod.labels["kratix.io/pipeline-name"] == "test")
            #expect(pod.labels["batch.kubernetes.io/job-name"] == "pipeline" && pod.labels["job-name"] == "pipeline")
            #expect(pod.labels["batch.kubernetes.io/controller-uid"] == job.uid && pod.labels["controller-uid"] == job.uid)
            let owner = try #require(pod.metadata.ownerReferences?.first)
            #expect(owner.kind == "Job" && owner.uid == job.uid && owner.controller == true && owner.blockOwnerDeletion == true)
            #expect(pod.status?["initContainerStatuses"]?.arrayValue?.first?[path: ["state", "terminated", "reason"]] == "Completed")
            let conditions = Set((pod.status?["conditions"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue })
            #expect(conditions.isSuperset(of: ["PodScheduled", "Initialized", "ContainersReady", "Ready"]))

            let podName = pod.name ?? ""
            var logs = try await runner.server.kubectl(["logs", podName])
            #expect(logs.stdout == "kind: Thing\n", "\(logs.stderr)")
            logs = try await runner.server.kubectl(["logs", podName, "-c", "generate"])
            #expect(logs.stdout == "generated\n", "\(logs.stderr)")
        }
    }

    @Test func aFailingContainerFailsTheJobAfterBackoffLimitRetries() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("failing", spec: "backoffLimit: 1", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "echo about to fail; exit 7"]}]
                """)
            let job = try await runner.waitFor("Failed", job: "failing")
            #expect(job.conditionTypes() == ["FailureTarget", "Failed"])
            #expect(job.condition("Failed")?["reason"] == "BackoffLimitExceeded")
            #expect(job.condition("Failed")?["message"] == "Job has reached the specified backoff limit")
            #expect(job.status?["failed"] == 2 && job.status?["succeeded"] == nil && job.status?["completionTime"] == nil)
            let pods = try await runner.pods(ofJob: "failing")
            #expect(pods.count == 2)
            for pod in pods {
                #expect(pod.status?["phase"] == "Failed")
                let terminated = pod.status?["containerStatuses"]?.arrayValue?.first?[path: ["state", "terminated"]]
                #expect(terminated?["exitCode"] == 7 && terminated?["reason"] == "Error" && terminated?["message"] == "about to fail")
            }
            let wait = try await runner.server.kubectl(["wait", "--for=condition=failed", "job/failing", "--timeout=10s"])
            #expect(wait.status == 0, "\(wait.stderr)")
        }
    }

    @Test func onFailureRestartsCountAgainstTheBackoffLimit() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("crashing", spec: "backoffLimit: 2", podSpec: """
                restartPolicy: OnFailure
                containers: [{name: main, image: test/shell, args: ["-c", "exit 1"]}]
                """)
            let job = try await runner.waitFor("Failed", job: "crashing")
            #expect(job.condition("Failed")?["reason"] == "BackoffLimitExceeded")
            let pods = try await runner.pods(ofJob: "crashing")
            #expect(pods.count == 1)
            #expect(pods.first?.status?["phase"] == "Failed")
            #expect((pods.first?.status?["containerStatuses"]?.arrayValue?.first?["restartCount"]?.intValue ?? 0) >= 2)
        }
    }

    @Test func deletingARunningJobStopsItsProcesses() async throws {
        try await RunnerHarness.with { runner in
            let host = try Fixtures.writableHostDirectory(runner.directory + "/host")
            let marker = uniqueMarker("sleeper")
            try await runner.createJob("sleeper", podSpec: """
                restartPolicy: Never
                volumes: [{name: host, hostPath: {path: \(host)}}]
                containers:
                  - name: main
                    image: test/shell
                    args: ["-c", "echo started > /host/pid; exec sleep 300", "\(marker)"]
                    volumeMounts: [{name: host, mountPath: /host}]
                """)
            #expect(try await eventually { FileManager.default.fileExists(atPath: host + "/pid") })
            #expect(!hostProcesses(containing: marker).isEmpty)
            let pods = try await runner.pods(ofJob: "sleeper")
            #expect(try await eventually { try await runner.pods(ofJob: "sleeper").first?.status?["phase"] == "Running" })
            #expect(try await runner.job("sleeper").status?["active"] == 1)
            let deleted = try await runner.server.kubectl(["delete", "job", "sleeper", "--wait=false"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(try await eventually(timeout: .seconds(10)) { hostProcesses(containing: marker).isEmpty },
                    "processes \(hostProcesses(containing: marker)) still run")
            #expect(pods.count == 1)
            // The pod goes after its process (a kubelet kills, then the pod is removed).
            #expect(try await eventually(timeout: .seconds(10)) { try await runner.pods(ofJob: "sleeper").isEmpty })
        }
    }

    @Test func anUnmappedImageIsAnImagePullError() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("unmapped", spec: "backoffLimit: 0", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: "registry.example/unknown:1"}]
                """)
            let job = try await runner.waitFor("Failed", job: "unmapped")
            #expect(job.condition("Failed")?["reason"] == "BackoffLimitExceeded")
            let pod = try #require(try await runner.pods(ofJob: "unmapped").first)
            #expect(pod.status?["phase"] == "Failed")
            let waiting = pod.status?["containerStatuses"]?.arrayValue?.first?[path: ["state", "waiting"]]
            #expect(waiting?["reason"] == "ErrImagePull")
            #expect(waiting?["message"]?.stringValue == "image \"registry.example/unknown:1\" is not in the runner's image map \(runner.directory)/images.yaml")
            let described = try await runner.server.kubectl(["get", "pod", pod.name ?? "", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"])
            #expect(described.stdout == "ErrImagePull", "\(described.stderr)")
        }
    }

    @Test func concurrentJobsDoNotSeeEachOthersOutput() async throws {
        try await RunnerHarness.with { runner in
            for name in ["left", "right"] {
                try await runner.createJob(name, podSpec: """
                    restartPolicy: Never
                    volumes: [{name: out, emptyDir: {}}]
                    initContainers:
                      - {name: write, image: test/shell, args: ["-c", "touch /kratix/output/\(name).yaml; sleep 1"], volumeMounts: [{name: out, mountPath: /kratix/output}]}
                    containers:
                      - {name: list, image: test/shell, args: ["-c", "ls /kratix/output"], volumeMounts: [{name: out, mountPath: /kratix/output}]}
                    """)
            }
            for name in ["left", "right"] {
                _ = try await runner.waitFor("Complete", job: name)
                let pod = try #require(try await runner.pods(ofJob: name).first)
                let logs = try await runner.server.kubectl(["logs", pod.name ?? "", "-c", "list"])
                #expect(logs.stdout == "\(name).yaml\n", "\(logs.stderr)")
            }
        }
    }

    @Test func secretsReachEnvironmentAndVolumes() async throws {
        try await RunnerHarness.with { runner in
            try await runner.create(.secrets, """
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData: {password: hunter2}
                data: {user: YWRtaW4=}
                """)
            try await runner.createJob("secrets", podSpec: """
                restartPolicy: Never
                automountServiceAccountToken: false
                volumes: [{name: creds, secret: {secretName: creds}}]
                containers:
                  - name: main
                    image: test/shell
                    args: ["-c", "echo $PASSWORD; cat /etc/creds/user; echo"]
                    env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}]
                    volumeMounts: [{name: creds, mountPath: /etc/creds}]
                """)
            _ = try await runner.waitFor("Complete", job: "secrets")
            let pod = try #require(try await runner.pods(ofJob: "secrets").first)
            let logs = try await runner.server.kubectl(["logs", pod.name ?? ""])
            #expect(logs.stdout == "hunter2\nadmin\n", "\(logs.stderr)")
        }
    }

    @Test func podsReachTheAPIServerInClusterWithTheirToken() async throws {
        let kubectl = try #require(TestEnvironment.kubectl, "kubectl is needed")
        try await RunnerHarness.with(images: """
              - image: test/kubectl
                command: [\(kubectl)]
            """) { runner in
            try await runner.create(.serviceAccounts, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: pipeline}\n")
            // No kubeconfig and an empty home: kubectl's only way in is the in-cluster configuration
            // (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA).
            try await runner.createJob("incluster", podSpec: """
                restartPolicy: Never
                serviceAccountName: pipeline
                volumes: [{name: home, emptyDir: {}}]
                containers:
                  - name: main
                    image: test/kubectl
                    args: [get, namespaces, -o, name]
                    env: [{name: KUBECONFIG, value: ""}, {name: HOME, value: /home/pod}]
                    volumeMounts: [{name: home, mountPath: /home/pod}]
                """)
            let job = try await runner.waitFor("Complete", job: "incluster")
            let pod = try #require(try await runner.pods(ofJob: "incluster").first)
            let logs = try await runner.server.kubectl(["logs", pod.name ?? ""])
            #expect(logs.stdout.contains("namespace/default"), "\(logs.stdout) \(logs.stderr) \(job.status ?? .null)")
        }
    }

    @Test func logsCanBeFollowedWhileTheContainerRuns() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("ticker", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "for i in 1 2 3 4 5; do echo tick $i; sleep 0.3; done"]}]
                """)
            #expect(try await eventually { try await runner.pods(ofJob: "ticker").first?.status?["phase"] == "Running" })
            let pod = try #require(try await runner.pods(ofJob: "ticker").first)
            let followed = try await runner.server.kubectl(["logs", "-f", pod.name ?? ""])
            #expect(followed.stdout == "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n", "\(followed.stderr)")
        }
    }

    @Test func activeDeadlineSecondsFailsTheJob() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("slow", spec: "activeDeadlineSeconds: 2", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "exec sleep 60"]}]
                """)
            let job = try await runner.waitFor("Failed", job: "slow", timeout: .seconds(30))
            #expect(job.condition("Failed")?["reason"] == "DeadlineExceeded")
            #expect(job.condition("Failed")?["message"] == "Job was active longer than specified deadline")
            #expect(job.status?["failed"] == 1)
            let pod = try #require(try await runner.pods(ofJob: "slow").first)
            #expect(pod.status?["phase"] == "Failed" && pod.status?["reason"] == "DeadlineExceeded")
        }
    }

    @Test func finishedJobsAreDeletedAfterTheirTTL() async throws {
        try await RunnerHarness.with { runner in
            // Observed through a watch opened before the Job exists: with a TTL of one second the
            // Job may be gone before a poll sees it Complete.
            let before = try await runner.client.list(.jobs, namespace: "default")
            // The server ends the watch after 30 s if the Job never goes.
            let events = runner.client.watch(.jobs, namespace: "default", options: WatchOptions(
                fieldSelector: "metadata.name=shortlived", resourceVersion: before.resourceVersion, timeoutSeconds: 30))
            let observed = Task { () -> [String] in
                var seen: [String] = []
                for try await event in events where event.type != .bookmark {
                    let complete = event.object.conditionTypes().contains("Complete")
                    seen.append(event.type.rawValue + (complete ? " Complete" : ""))
                    if event.type == .deleted { break }
                }
                return seen
            }
            try await runner.createJob("shortlived", spec: "ttlSecondsAfterFinished: 1", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
                """)
            let seen = try await observed.value
            #expect(seen.contains("MODIFIED Complete"), "\(seen)")
            #expect(seen.last?.hasPrefix("DELETED") == true, "\(seen)")
            #expect(seen.firstIndex(of: "MODIFIED Complete") ?? .max < seen.count - 1)
        }
    }

    @Test func suspendedJobsWaitUntilResumed() async throws {
        try await RunnerHarness.with { runner in
            try await runner.createJob("later", spec: "suspend: true", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
                """)
            _ = try await runner.waitFor("Suspended", job: "later")
            #expect(try await runner.pods(ofJob: "later").isEmpty)
            let patched = try await runner.server.kubectl(["patch", "job", "later", "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}"])
            #expect(patched.status == 0, "\(patched.stderr)")
            let job = try await runner.waitFor("Complete", job: "later")
            #expect(job.condition("Suspended")?["reason"] == "JobResumed")
        }
    }

    @Test func onlyKratixJobsRunUnlessAllJobsIsSet() async throws {
        let plainJob = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: plain}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  automountServiceAccountToken: false
                  containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
            """
        try await RunnerHarness.with { runner in
            try await runner.create(.jobs, plainJob)
            try await runner.createJob("kratix", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
                """)
            _ = try await runner.waitFor("Complete", job: "kratix")
            #expect(try await runner.pods(ofJob: "plain").isEmpty)
        }
        try await RunnerHarness.with(configure: { $0.allJobs = true }) { runner in
            try await runner.create(.jobs, plainJob)
            _ = try await runner.waitFor("Complete", job: "plain")
        }
    }

    @Test func atMostParallelismPodsRunAtOnce() async throws {
        try await RunnerHarness.with(parallelism: 1) { runner in
            let host = try Fixtures.writableHostDirectory(runner.directory + "/host")
            for name in ["one", "two", "three"] {
                try await runner.createJob(name, podSpec: """
                    restartPolicy: Never
                    volumes: [{name: host, hostPath: {path: \(host)}}]
                    containers:
                      - name: main
                        image: test/shell
                        args: ["-c", "date +%s.%N > /host/\(name).start; sleep 0.5; date +%s.%N > /host/\(name).end"]
                        volumeMounts: [{name: host, mountPath: /host}]
                    """)
            }
            var sawPending = false
            for name in ["one", "two", "three"] {
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    let job = try await runner.job(name)
                    if job.conditionTypes().contains("Complete") { break }
                    let phases = try await runner.pods(ofJob: name).compactMap { $0.status?["phase"]?.stringValue }
                    if phases.contains("Pending") { sawPending = true }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            func time(_ file: String) throws -> Double {
                Double(try String(contentsOfFile: host + "/" + file, encoding: .utf8).trimmingWhitespace()) ?? 0
            }
            let intervals = try ["one", "two", "three"].map { (try time("\($0).start"), try time("\($0).end")) }.sorted { $0.0 < $1.0 }
            for (earlier, later) in zip(intervals, intervals.dropFirst()) {
                #expect(earlier.1 <= later.0, "pods overlapped: \(intervals)")
            }
            #expect(sawPending)
        }
    }

    /// Operators inspect Jobs and pods as on a cluster (issue 16 item 8): `kubectl describe` shows
    /// the Job controller's and kubelet's Events, and a pod waiting for a runner slot says so.
    @Test func describeShowsJobAndPodEventsAndAWaitingPodSaysWhy() async throws {
        try await RunnerHarness.with(parallelism: 1) { runner in
            for name in ["first", "second"] {
                try await runner.createJob(name, spec: name == "second" ? "backoffLimit: 0" : "", podSpec: """
                    restartPolicy: Never
                    containers: [{name: main, image: test/shell, args: ["-c", "sleep \(name == "second" ? 0 : 3); exit \(name == "second" ? 3 : 0)"]}]
                    """)
            }
            // The second pod waits while the first runs on the only slot: kubectl's STATUS says why.
            let waited = try await eventually {
                try await runner.server.kubectl(["get", "pods", "-l", "job-name=second"]).stdout.contains("WaitingForRunnerSlot")
            }
            #expect(waited, "the second pod says it waits for a slot")
            _ = try await runner.waitFor("Complete", job: "first")
            _ = try await runner.waitFor("Failed", job: "second")

            let first = try await runner.server.kubectl(["describe", "job", "first"])
            #expect(first.stdout.contains("SuccessfulCreate") && first.stdout.contains("Created pod: first-"), "\(first.stdout)")
            #expect(first.stdout.contains("Completed") && first.stdout.contains("Job completed"), "\(first.stdout)")
            let second = try await runner.server.kubectl(["describe", "job", "second"])
            #expect(second.stdout.contains("BackoffLimitExceeded"), "\(second.stdout)")
            let pod = try #require(try await runner.pods(ofJob: "first").first?.name)
            let described = try await runner.server.kubectl(["describe", "pod", pod])
            #expect(described.stdout.contains("Started") && described.stdout.contains("Started container main"), "\(described.stdout)")
            let secondPod = try #require(try await runner.pods(ofJob: "second").first?.name)
            let waitingEvent = try await runner.server.kubectl(["describe", "pod", secondPod])
            #expect(waitingEvent.stdout.contains("WaitingForRunnerSlot"), "\(waitingEvent.stdout)")
            // Once it ran, the pod no longer says it waits.
            #expect(try await runner.pods(ofJob: "second").allSatisfy { $0.status?["reason"] != "WaitingForRunnerSlot" })
        }
    }

    @Test func aRestartedRunnerFailsPodsItLeftRunning() async throws {
        try await RunnerHarness.with(before: { runner in
            // What a runner that died mid-pod leaves behind: a Job and its Running pod.
            let job = try await runner.createJob("interrupted", spec: "backoffLimit: 2\nsuspend: true", podSpec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "echo second attempt"]}]
                """)
            _ = try await runner.client.patch(.jobs, name: "interrupted", namespace: "default", .merge(["spec": ["suspend": false]]))
            let pod = try #require(KubeObject(YAMLReader.singleDocument(in: """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: interrupted-old00
                  labels: {job-name: interrupted, batch.kubernetes.io/job-name: interrupted, batch.kubernetes.io/controller-uid: \(job.uid ?? "")}
                  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: interrupted, uid: \(job.uid ?? ""), controller: true}]
                spec:
                  nodeName: kratix-runner
                  restartPolicy: Never
                  containers: [{name: main, image: test/shell}]
                status:
                  phase: Running
                  containerStatuses: [{name: main, image: test/shell, ready: true, restartCount: 0, state: {running: {startedAt: "2024-01-01T00:00:00Z"}}}]
                """)))
            _ = try await runner.client.create(.pods, pod, namespace: "default")
        }) { runner in
            let job = try await runner.waitFor("Complete", job: "interrupted")
            let statuses = try await runner.pods(ofJob: "interrupted").map { "\($0.name ?? ""): \($0.status ?? .null)" }
            #expect(job.status?["failed"] == 1 && job.status?["succeeded"] == 1, "\(job.status ?? .null)\n\(statuses.joined(separator: "\n"))")
            let old = try await runner.client.get(.pods, name: "interrupted-old00", namespace: "default")
            #expect(old.status?["phase"] == "Failed")
            #expect(old.status?["message"] == "the runner restarted while the pod ran")
            #expect(old.status?["containerStatuses"]?.arrayValue?.first?[path: ["state", "terminated", "reason"]] == "ContainerStatusUnknown")
        }
    }
}
