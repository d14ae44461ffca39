import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import ServiceLifecycle
import Testing

@testable import KratixJobRunner

/// The runner as a ServiceLifecycle service: a graceful shutdown stops taking pods, sends the
/// running ones SIGTERM and reports them as terminated.
@Suite struct GracefulShutdownTests {
    @Test func gracefulShutdownTerminatesRunningPods() async throws {
        try await TestAPIServer.with(tls: true) { server in
            let directory = try Fixtures.temporaryDirectory("shutdown")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let host = try Fixtures.writableHostDirectory(directory + "/host")
            let marker = uniqueMarker("shutdown")
            let client = try RunnerHarness.makeClient(server)
            let harness = RunnerHarness(server: server, client: client, directory: directory)
            let runner = JobRunner(configuration: try RunnerHarness.makeConfiguration(directory: directory), client: client, logger: RunnerHarness.logger)
            let group = ServiceGroup(services: [runner], logger: RunnerHarness.logger)
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await harness.createJob("long", podSpec: """
                        restartPolicy: Never
                        terminationGracePeriodSeconds: 3
                        volumes: [{name: host, hostPath: {path: \(host)}}]
                        containers:
                          - name: main
                            image: test/shell
                            args: ["-c", "trap 'echo got SIGTERM; exit 0' TERM; echo started > /host/pid; while true; do sleep 0.1; done", "\(marker)"]
                            volumeMounts: [{name: host, mountPath: /host}]
                        """)
                    #expect(try await eventually { FileManager.default.fileExists(atPath: host + "/pid") })
                    #expect(!hostProcesses(containing: marker).isEmpty)
                    #expect(try await eventually { try await harness.pods(ofJob: "long").first?.status?["phase"] == "Running" })
                    let started = ContinuousClock.now
                    await group.triggerGracefulShutdown()
                    try await tasks.next()
                    // Bounded well below a default 30 s grace period (the pod's is 3 s; alone this takes
                    // under a second, but a full test run on two cores once stretched it to 11 s).
                    #expect(ContinuousClock.now - started < .seconds(25))
                    #expect(hostProcesses(containing: marker).isEmpty)
                }
                let pod = try #require(try await harness.pods(ofJob: "long").first)
                #expect(pod.status?["phase"] == "Failed")
                #expect(pod.status?["reason"] == "Terminated")
                #expect(pod.status?["message"] == "the runner shut down while the pod ran")
                let terminated = pod.status?["containerStatuses"]?.arrayValue?.first?[path: ["state", "terminated"]]
                #expect(terminated?["exitCode"] == 0)
                let logs = try await server.kubectl(["logs", pod.name ?? ""])
                // The whole process group gets SIGTERM, so the shell may also report its `sleep` terminated.
                #expect(logs.stdout.hasSuffix("got SIGTERM\n"), "\(logs.stderr)")
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }
}
