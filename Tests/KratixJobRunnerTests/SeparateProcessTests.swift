import ChildProcesses
import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Testing

/// The runner as its own process (`kratix runner`), talking to the API server only.
///
/// Enabled once `kratix runner` is wired to ``JobRunner`` in the CLI: it looks for the `kratix`
/// binary beside the test binary (or at `KRATIX_EXECUTABLE`) and runs only when that binary's
/// `runner` command is implemented.
@Suite struct SeparateProcessTests {
    static let kratix: String? = {
        if let path = ProcessInfo.processInfo.environment["KRATIX_EXECUTABLE"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kratix").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : nil
    }()

    @Test
    func theRunnerWorksFromASeparateProcess() async throws {
        let kratix = try #require(Self.kratix)
        try await TestAPIServer.with(tls: true) { server in
            let directory = try Fixtures.temporaryDirectory("process")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let images = try Fixtures.imageMap(in: directory)
            let log = directory + "/runner.log"
            let runner = try TestServerProcess(kratix, ["runner", "--kubeconfig", server.kubeconfig, "--images", images, "--parallelism", "2"], log: log)
            let client = try RunnerHarness.makeClient(server)
            do {
                let job = try #require(KubeObject(YAMLReader.singleDocument(in: """
                    apiVersion: batch/v1
                    kind: Job
                    metadata: {name: separate, labels: {app.kubernetes.io/managed-by: Kratix}}
                    spec:
                      backoffLimit: 0
                      template:
                        spec:
                          restartPolicy: Never
                          automountServiceAccountToken: false
                          volumes: [{name: out, emptyDir: {}}]
                          initContainers:
                            - {name: write, image: test/shell, args: ["-c", "echo from init > /kratix/output/file"], volumeMounts: [{name: out, mountPath: /kratix/output}]}
                          containers:
                            - {name: read, image: test/shell, args: ["-c", "cat /kratix/output/file"], volumeMounts: [{name: out, mountPath: /kratix/output}]}
                    """)))
                _ = try await client.create(.jobs, job, namespace: "default")
                let wait = try await server.kubectl(["wait", "--for=condition=complete", "job/separate", "--timeout=60s"])
                let runnerLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(wait.status == 0, "\(wait.stderr)\n\(runnerLog)")
                let pod = try #require(try await client.list(.pods, namespace: "default", options: ListOptions(labelSelector: "job-name=separate")).items.first)
                let logs = try await server.kubectl(["logs", pod.name ?? ""])
                #expect(logs.stdout == "from init\n", "\(logs.stderr)")
                // A graceful stop: the process exits by itself (SIGTERM; the runner removes its work directory).
                runner.process.signal(SIGTERM)
                #expect(try await eventually(timeout: .seconds(10)) { !runner.isRunning }, "\(runnerLog)")
            } catch {
                try? await client.shutdown()
                await runner.stop()
                throw error
            }
            try await client.shutdown()
            await runner.stop()
        }
    }
}
