import ChildProcesses
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
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess.run(executable, config.args, environment: env, timeout: timeout)
        } catch {
            throw .configuration("exec plugin \(config.command): cannot run (\(error))")
        }
        guard output.exitCode == 0 else {
            var message = "exec plugin \(config.command) failed with exit status \(output.exitCode)"
            let stderr = String(decoding: output.stderr.suffix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !stderr.isEmpty { message += ": \(stderr)" }
            throw .configuration(message)
        }
        return try ExecCredential.parse(output.stdout, config: config)
    }

    /// An absolute path as given, or the first match on `PATH`.
    func resolveExecutable(_ command: String) -> String? {
        ChildProcess.which(command, path: environment["PATH"])
    }
}
