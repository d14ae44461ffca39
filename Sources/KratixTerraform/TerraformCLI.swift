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
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/terraform"
            if FileManager.default.isExecutableFile(atPath: candidate) { return TerraformCLI(executable: candidate) }
        }
        return nil
    }

    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs terraform with `arguments` in `directory`, collecting stdout and stderr together.
    public func run(_ arguments: [String], in directory: URL) throws(TerraformError) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["TF_IN_AUTOMATION"] = "1"
        env["TF_INPUT"] = "0"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TerraformError("cannot run \(executable): \(error.localizedDescription)")
        }
        // Read before waiting so a chatty terraform cannot fill the pipe and block.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
