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

    /// Runs `program` to its end with `stdin` (if any) as its input; stdout and stderr are read on
    /// threads of their own, so neither pipe can fill up and stall it.
    public static func run(_ program: String, _ arguments: [String], cwd: String? = nil, environment: [String: String] = [:],
                           stdin: String? = nil) async throws -> Output {
        guard let executable = program.hasPrefix("/") ? program : which(program) else {
            throw Failure(description: "\(program) is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Output, Never>) in
            Thread.detachNewThread {
                let group = DispatchGroup()
                nonisolated(unsafe) var stderrData = Data()
                group.enter()
                Thread.detachNewThread {
                    stderrData = err.fileHandleForReading.readDataToEndOfFile()
                    group.leave()
                }
                let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                                                      stderr: String(decoding: stderrData, as: UTF8.self)))
            }
        }
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
