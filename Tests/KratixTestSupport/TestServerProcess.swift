import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server program a test starts and kills (SIGKILL, by its own pid) when done.
/// `@unchecked Sendable`: `Process` is only asked for its pid and liveness and waited on, which
/// Foundation allows from any thread.
public final class TestServerProcess: @unchecked Sendable {
    public let process: Process
    public let logPath: String

    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:], log: String) throws {
        guard let executable = program.hasPrefix("/") ? program : TestShell.which(program) else {
            throw TestShell.Failure(description: "\(program) is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        self.process = process
        self.logPath = log
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func stop() async {
        let process = self.process
        kill(process.processIdentifier, SIGKILL)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }

    /// Waits (asynchronously) until `ready` holds or the process dies.
    public func waitUntil(timeout: Duration = .seconds(30), _ ready: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if ready() { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestShell.Failure(description: "server did not start: \(log)")
    }
}
