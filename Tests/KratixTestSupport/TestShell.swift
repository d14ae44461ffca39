import ChildProcesses
import Foundation

/// Runs helper programs (git, python3, servers' setup scripts) for tests. The blocking waits
/// happen on threads of their own, never on the cooperative pool, which in-process servers need.
public enum TestShell {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func which(_ program: String) -> String? { TestEnvironment.which(program) }

    /// Runs `program` to its end with `stdin` (if any) as its input (``ChildProcess/run``: stdout
    /// and stderr are read on threads of their own, so neither pipe can fill up and stall it).
    public static func run(_ program: String, _ arguments: [String], cwd: String? = nil, environment: [String: String] = [:],
                           stdin: String? = nil) async throws -> Output {
        guard let executable = program.hasPrefix("/") ? program : which(program) else {
            throw Failure(description: "\(program) is not installed")
        }
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (k, v) in environment { env[k] = v }
        let output = try await ChildProcess.run(executable, arguments, environment: env, timeout: .seconds(600),
                                                input: stdin.map { Array($0.utf8) }, workingDirectory: cwd)
        return Output(status: output.exitCode, stdout: output.stdoutText, stderr: output.stderrText)
    }

    /// Runs and returns stdout; throws with stderr on a non-zero exit.
    @discardableResult
    public static func check(_ program: String, _ arguments: [String], cwd: String? = nil) async throws -> String {
        let output = try await run(program, arguments, cwd: cwd)
        guard output.status == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output.stdout
    }
}
