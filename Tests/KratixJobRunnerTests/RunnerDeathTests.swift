import ChildProcesses
import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Logging
import Testing

@testable import KratixJobRunner

/// A runner killed with SIGKILL leaves nothing running, and no pod runs twice at once: its
/// containers die with it (the lifeline), and a runner starting kills what a dead one left behind
/// (the process records) before it runs anything. Real processes, the runner as `kratix runner`.
@Suite struct RunnerDeathTests {
    @Test func aKilledRunnersPipelinesDieAndTheirRerunRunsAlone() async throws {
        let kratix = try #require(SeparateProcessTests.kratix, "the kratix binary beside the tests (swift build) or KRATIX_EXECUTABLE")
        try await TestAPIServer.with(tls: true) { server in
            let directory = try Fixtures.temporaryDirectory("death")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let images = try Fixtures.imageMap(in: directory)
            let host = try Fixtures.writableHostDirectory(directory + "/host")
            let marker = uniqueMarker("death")
            // Each pod is its own unprivileged host user: the files both instances write are shared.
            for file in ["lock", "log"] {
                FileManager.default.createFile(atPath: host + "/" + file, contents: nil, attributes: [.posixPermissions: 0o666])
            }
            let client = try RunnerHarness.makeClient(server)
            defer { Task { try? await client.shutdown() } }
            // The lock is held for as long as an instance runs: a second instance at the same
            // time says so in the log instead of starting.
            let job = try #require(KubeObject(YAMLReader.singleDocument(in: """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: apply, labels: {app.kubernetes.io/managed-by: Kratix}}
                spec:
                  backoffLimit: 3
                  template:
                    spec:
                      restartPolicy: Never
                      automountServiceAccountToken: false
                      volumes: [{name: host, hostPath: {path: \(host)}}]
                      containers:
                        - name: main
                          image: test/shell
                          args: ["-c", "exec 9>>/host/lock; flock -n 9 || { echo TWICE >> /host/log; exit 1; }; echo start >> /host/log; exec sleep 300", "\(marker)"]
                          volumeMounts: [{name: host, mountPath: /host}]
                """)))
            _ = try await client.create(.jobs, job, namespace: "default")
            let arguments = ["runner", "--kubeconfig", server.kubeconfig, "--images", images, "--parallelism", "2"]
            let first = try TestServerProcess(kratix, arguments, log: directory + "/first.log")
            func starts() -> Int {
                ((try? String(contentsOfFile: host + "/log", encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "start" }.count
            }
            let started = try await eventually(timeout: .seconds(60)) { starts() == 1 && !hostProcesses(containing: marker).isEmpty }
            #expect(started, "the pipeline never started: \(first.log)")
            await first.stop(signal: SIGKILL)
            let gone = try await eventually(timeout: .seconds(5)) { hostProcesses(containing: marker).isEmpty }
            #expect(gone, "processes \(hostProcesses(containing: marker)) outlived their runner")

            let second = try TestServerProcess(kratix, arguments, log: directory + "/second.log")
            let rerun = try await eventually(timeout: .seconds(60)) { starts() == 2 }
            #expect(rerun, "the pipeline was not run again: \(second.log)")
            let log = (try? String(contentsOfFile: host + "/log", encoding: .utf8)) ?? ""
            #expect(!log.contains("TWICE"), "two instances ran at once: \(log)")
            await second.stop(signal: SIGTERM)
            #expect(try await eventually(timeout: .seconds(10)) { hostProcesses(containing: marker).isEmpty })
        }
    }

    /// What the lifeline missed (a runner killed between starting a container and its watcher
    /// reading, or a process that escaped) is killed from the records before anything runs.
    @Test func aStartingRunnerKillsWhatADeadRunnerLeftRunning() async throws {
        let directory = try Fixtures.temporaryDirectory("records")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A runner that has died: a process that has exited, named by its real start time.
        let dead = try ChildProcess.spawn(["/bin/sleep", "300"], environment: [:], stdoutFD: 2, stderrFD: 2)
        let deadRunner = try #require(ProcessRecords.ProcessID.of(dead.pid))
        dead.signal(SIGKILL)
        _ = await dead.wait()
        let marker = uniqueMarker("leftover")
        let leftover = try ChildProcess.spawn(["/bin/sh", "-c", "sleep 300 & wait", marker], environment: ["PATH": "/usr/bin:/bin"],
                                              stdoutFD: 2, stderrFD: 2, ownProcessGroup: true)
        async let reaped = leftover.wait()
        #expect(try await eventually { hostProcesses(containing: marker).count == 1 })
        ProcessRecords(directory: directory, runner: deadRunner).add(leftover.pid)
        // A live runner's record (this process's) is left alone.
        let live = try ChildProcess.spawn(["/bin/sh", "-c", "sleep 300", uniqueMarker("live")], environment: ["PATH": "/usr/bin:/bin"],
                                          stdoutFD: 2, stderrFD: 2, ownProcessGroup: true)
        ProcessRecords(directory: directory).add(live.pid)

        let killed = await ProcessRecords(directory: directory, runner: nil).killLeftovers(logger: Logger(label: "test"))
        #expect(killed == [leftover.pid])
        #expect((await reaped).signal == SIGKILL)
        #expect(try await eventually(timeout: .seconds(5)) { hostProcesses(containing: marker).isEmpty })
        #expect(ProcessRecords.ProcessID.of(live.pid) != nil)
        live.signal(SIGKILL)
        _ = await live.wait()
    }
}
