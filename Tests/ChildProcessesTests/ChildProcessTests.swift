import ChildProcesses
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChildProcessTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func runCollectsOutputStatusAndInput() async throws {
        let output = try await ChildProcess.run("/bin/sh", ["-c", "read line; echo \"out:$line\"; echo err >&2; exit 3"],
                                                environment: environment, timeout: .seconds(30), input: Array("hello\n".utf8))
        #expect(output.exitCode == 3)
        #expect(output.stdoutText == "out:hello\n")
        #expect(output.stderrText == "err\n")
        #expect(!output.timedOut)
    }

    @Test func mergedOutputAndWorkingDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try await ChildProcess.run("/bin/sh", ["-c", "pwd; echo two >&2"], environment: environment,
                                                timeout: .seconds(30), mergeOutput: true, workingDirectory: directory)
        #expect(output.exitCode == 0)
        #expect(output.stdoutText == "\(directory)\ntwo\n")
        #expect(output.stderr.isEmpty)
    }

    @Test func environmentIsExactlyTheOneGiven() async throws {
        let output = try await ChildProcess.run("/usr/bin/env", [], environment: ["ONLY": "this"], timeout: .seconds(30))
        #expect(output.stdoutText == "ONLY=this\n")
    }

    @Test func aCommandPastItsTimeoutIsKilled() async throws {
        let start = ContinuousClock.now
        let output = try await ChildProcess.run("/bin/sleep", ["30"], environment: environment, timeout: .milliseconds(200))
        #expect(output.timedOut)
        #expect(output.status.signal == SIGKILL)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func aMissingExecutableIsASpawnError() async throws {
        await #expect(throws: ChildProcess.SpawnError.self) {
            _ = try await ChildProcess.run("/nonexistent/program", [], environment: environment, timeout: .seconds(5))
        }
    }

    /// A container's process group: what it started in the background dies with it. The straggler
    /// holds the output channel open, so the channel's end of file is the event that it has gone;
    /// left alive, it would hold it for its 60 s.
    @Test func waitingForAGroupLeaderKillsItsStragglers() async throws {
        let start = ContinuousClock.now
        let channel = try ChildProcess.makeOutputChannel()
        let child = try ChildProcess.spawn(["/bin/sh", "-c", "sleep 60 & echo $!"], environment: environment,
                                           stdoutFD: channel.write, stderrFD: channel.write, ownProcessGroup: true)
        close(channel.write)
        let status = await child.wait()
        let text = String(decoding: await ChildProcess.readToEnd(channel.read), as: UTF8.self)
        #expect(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "the straggler's pid: \(text)")
        #expect(status.code == 0)
        #expect(ContinuousClock.now - start < .seconds(30), "the straggler outlived its group leader")
    }

    @Test func whichFindsExecutablesOnAPath() {
        #expect(ChildProcess.which("sh", path: "/nonexistent:/bin") == "/bin/sh")
        #expect(ChildProcess.which("no-such-program-here", path: "/bin") == nil)
        #expect(ChildProcess.which("/bin/sh") == "/bin/sh")
    }
}
