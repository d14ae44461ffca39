import ChildProcesses
import Foundation
import KratixTestSupport
import Testing

/// Paths and process helpers for tests that drive real programs (`kratix`, `kubectl`).
enum Support {
    static var repositoryRoot: URL { TestEnvironment.repositoryRoot }
    static var sharedDirectory: URL { TestEnvironment.sharedDirectory }

    /// The `kratix` binary built beside the test bundle.
    static var kratixBinary: URL {
        let testBundleDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [testBundleDirectory, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent().deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("kratix")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/kratix")
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion and captures its output (``ChildProcess/run`` waits off the
    /// cooperative pool).
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) async throws -> Result {
        let output = try await ChildProcess.run(executable, arguments, environment: ProcessInfo.processInfo.environment,
                                                timeout: .seconds(600), input: Array((stdin ?? "").utf8))
        return Result(status: output.exitCode, stdout: output.stdoutText, stderr: output.stderrText)
    }

    static var kubectl: String? { TestEnvironment.kubectl }

    static func which(_ program: String) -> String? { TestEnvironment.which(program) }
}
