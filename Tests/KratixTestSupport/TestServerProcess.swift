import ChildProcesses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server program a test starts and kills (SIGKILL) when done. Its output goes to a log file.
public final class TestServerProcess: Sendable {
    public let process: ChildProcess
    public let logPath: String
    private let exit: Task<ExitStatus, Never>

    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:], log: String) throws {
        guard let executable = program.hasPrefix("/") ? program : TestShell.which(program) else {
            throw TestShell.Failure(description: "\(program) is not installed")
        }
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (k, v) in environment { env[k] = v }
        let fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestShell.Failure(description: "cannot create \(log): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let process = try ChildProcess.spawn([executable] + arguments, environment: env, stdoutFD: fd, stderrFD: fd)
        self.process = process
        self.logPath = log
        // The one waiter for the process (unstructured: it lives as long as the process does).
        exit = Task { await process.wait() }
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether the process is still running (not yet reaped).
    public var isRunning: Bool { kill(process.pid, 0) == 0 && !exitObserved }

    private var exitObserved: Bool {
        // A zombie still answers kill(pid, 0): look at its state instead.
        guard let stat = try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }

    /// Sends `signal` (SIGKILL unless told) and waits until the process has gone.
    @discardableResult
    public func stop(signal: Int32 = SIGKILL) async -> ExitStatus {
        process.signal(signal)
        return await exit.value
    }

    /// Waits (asynchronously) until `ready` holds or the process dies.
    public func waitUntil(timeout: Duration = .seconds(30), _ ready: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if ready() { return }
            if !isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestShell.Failure(description: "server did not start: \(log)")
    }
}
