import Foundation

/// Runs an exec credential plugin and returns what it printed.
///
/// The child runs with the client's environment plus the kubeconfig's `env` and
/// `KUBERNETES_EXEC_INFO`, no stdin (a controller has no terminal), and a time limit. Waiting
/// happens on a Dispatch thread, never on the cooperative pool, so a slow plugin cannot starve the
/// tasks that must keep running meanwhile.
struct ExecPluginRunner: Sendable {
    var timeout: Duration = .seconds(60)
    var environment: [String: String] = ProcessInfo.processInfo.environment

    struct Output: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// Runs the plugin; a failure to start it or a non-zero exit is a configuration error naming
    /// the command (and the install hint when it is missing). Its stdout is never put in an error.
    func run(_ config: ExecCredentialConfig, execInfo: String) async throws(ClientError) -> ExecCredential {
        guard config.interactiveMode != "Always" else {
            throw .configuration("exec plugin \(config.command): interactiveMode is Always, but this client has no terminal")
        }
        guard let executable = resolveExecutable(config.command) else {
            var message = "exec plugin \(config.command): executable not found"
            if let hint = config.installHint, !hint.isEmpty { message += "\n\(hint)" }
            throw .configuration(message)
        }
        var env = environment
        for variable in config.env { env[variable.name] = variable.value }
        env["KUBERNETES_EXEC_INFO"] = execInfo
        let output: Output
        do {
            output = try await Self.spawn(executable: executable, arguments: config.args, environment: env, timeout: timeout)
        } catch {
            throw .configuration("exec plugin \(config.command): cannot run (\(error.localizedDescription))")
        }
        guard output.status == 0 else {
            var message = "exec plugin \(config.command) failed with exit status \(output.status)"
            let stderr = String(decoding: output.stderr.suffix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !stderr.isEmpty { message += ": \(stderr)" }
            throw .configuration(message)
        }
        return try ExecCredential.parse(output.stdout, config: config)
    }

    /// An absolute path as given, or the first match on `PATH`.
    func resolveExecutable(_ command: String) -> String? {
        if command.contains("/") {
            return FileManager.default.isExecutableFile(atPath: command) ? command : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func spawn(executable: String, arguments: [String], environment: [String: String], timeout: Duration) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = DispatchTime.now() + .nanoseconds(Int(timeout.components.seconds * 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: deadline) {
            // A plugin that hangs is killed; the read below then sees end of file.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        // The blocking reads run on threads of their own: `DispatchQueue.global()` on Linux shares its
        // one-thread-per-core width with Swift concurrency, and a slow plugin would stall every task.
        return await withCheckedContinuation { (continuation: CheckedContinuation<Output, Never>) in
            Thread.detachNewThread {
                let group = DispatchGroup()
                // Written by the reader thread and read only after `group.wait()`.
                nonisolated(unsafe) var errorBytes = Data()
                group.enter()
                Thread.detachNewThread {
                    errorBytes = stderr.fileHandleForReading.readDataToEndOfFile()
                    group.leave()
                }
                let outputBytes = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
                continuation.resume(returning: Output(status: status, stdout: Array(outputBytes), stderr: Array(errorBytes)))
            }
        }
    }
}
