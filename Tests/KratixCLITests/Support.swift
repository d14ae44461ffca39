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

    /// Runs a program to completion and captures its output, waiting off the cooperative pool.
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await offPool { try runBlocking(executable, arguments, stdin: stdin) }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], stdin: String?) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a full pipe cannot block the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static var kubectl: String? { TestEnvironment.kubectl }

    static func which(_ program: String) -> String? { TestEnvironment.which(program) }
}
