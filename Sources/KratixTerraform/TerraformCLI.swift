import ChildProcesses
import Foundation

/// The `terraform` executable, found on `PATH`. Only used to download git and registry modules;
/// plan/apply never run here.
public struct TerraformCLI: Sendable {
    public var executable: String
    /// Extra environment for every run (tests point `HOME`/`TF_DATA_DIR` at temporary folders).
    public var environment: [String: String]

    public init(executable: String, environment: [String: String] = [:]) {
        self.executable = executable
        self.environment = environment
    }

    /// The first `terraform` on `PATH`, if any.
    public static func onPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TerraformCLI? {
        guard let path = environment["PATH"] else { return nil }
        return ChildProcess.which("terraform", path: path).map { TerraformCLI(executable: $0) }
    }

    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs terraform with `arguments` in `directory` (through `-chdir`, which Terraform takes since
    /// 0.14), collecting stdout and stderr together. A run is bounded by `timeout` (a module
    /// download that hangs is killed).
    public func run(_ arguments: [String], in directory: URL, timeout: Duration = .seconds(600)) async throws(TerraformError) -> Result {
        var env = ProcessInfo.processInfo.environment
        env["TF_IN_AUTOMATION"] = "1"
        env["TF_INPUT"] = "0"
        for (k, v) in environment { env[k] = v }
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess.run(executable, ["-chdir=\(directory.path)"] + arguments, environment: env,
                                                timeout: timeout, mergeOutput: true)
        } catch {
            throw TerraformError("cannot run \(executable): \(error)")
        }
        if output.timedOut { throw TerraformError("terraform \(arguments.first ?? "") did not finish within \(timeout)") }
        return Result(status: output.exitCode, output: output.stdoutText)
    }
}
