import ChildProcesses
import Foundation
import KubeModel

/// The `helm-resource-configure` stage (upstream image
/// `ghcr.io/syntasso/kratix-cli/helm-resource-configure`, a shell script around `helm template`):
/// the request's `spec` becomes the chart's values and the rendered chart is the stage's output.
///
/// Rendering Go templates is Helm's own job, so this runs `helm` (or `HELM_BINARY`) with upstream's
/// exact arguments rather than imitating it.
public enum HelmResourceConfigureStage {
    public struct Invocation: Sendable, Equatable {
        public var program: String
        public var arguments: [String]
    }

    /// `template <name> <chart> [--version V] [--namespace NS] --values values.yaml`, as upstream's
    /// `pipeline.sh` builds it.
    public static func invocation(requestName: String, environment env: [String: String]) throws(AuthoringError) -> Invocation {
        guard let url = env["CHART_URL"], !url.isEmpty else { throw AuthoringError("URL is not set. Please set the URL.") }
        var arguments = ["template", requestName]
        if let name = env["CHART_NAME"], !name.isEmpty {
            arguments += [name, "--repo", url]
        } else {
            arguments.append(url)
        }
        if let version = env["CHART_VERSION"], !version.isEmpty { arguments += ["--version", version] }
        if let namespace = env["TARGET_NAMESPACE"], !namespace.isEmpty { arguments += ["--namespace", namespace] }
        arguments += ["--values", "values.yaml"]
        let program = (env["HELM_BINARY"] ?? "").isEmpty ? "helm" : env["HELM_BINARY"]!
        return Invocation(program: program, arguments: arguments)
    }

    /// Reads `KRATIX_INPUT/object.yaml`, writes the values and runs Helm; its stdout becomes
    /// `KRATIX_OUTPUT/object.yaml`.
    public static func run(environment env: [String: String]) async throws(AuthoringError) {
        let input = (env["KRATIX_INPUT"] ?? "").isEmpty ? "/kratix/input" : env["KRATIX_INPUT"]!
        let output = (env["KRATIX_OUTPUT"] ?? "").isEmpty ? "/kratix/output" : env["KRATIX_OUTPUT"]!
        let request = try StageRequest.read(input + "/object.yaml")
        let name = request["metadata"]?["name"]?.stringValue ?? "null"
        let invocation = try invocation(requestName: name, environment: env)
        guard let program = invocation.program.contains("/") ? invocation.program : ChildProcess.which(invocation.program, path: env["PATH"]) else {
            throw AuthoringError(
                "\(invocation.program) is not on PATH: this stage renders the chart with `helm template` (set HELM_BINARY to use another program)")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-helm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try Data(YAMLWriter().write(request["spec"] ?? .null).utf8).write(to: work.appendingPathComponent("values.yaml"))
        } catch {
            throw AuthoringError("cannot write values.yaml in \(work.path): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("+ \(invocation.program) \(invocation.arguments.joined(separator: " "))\n".utf8))
        let result: ChildProcess.Output
        do {
            result = try await ChildProcess.run(program, invocation.arguments, environment: env, timeout: .seconds(600),
                                                workingDirectory: work.path)
        } catch {
            throw AuthoringError("cannot run \(program): \(error)")
        }
        FileHandle.standardError.write(Data(result.stderr))
        guard result.exitCode == 0 else {
            throw AuthoringError("\(invocation.program) template failed with exit status \(result.exitCode)")
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try Data(result.stdout).write(to: URL(fileURLWithPath: output + "/object.yaml"))
        } catch {
            throw AuthoringError("cannot write \(output)/object.yaml: \(error.localizedDescription)")
        }
    }
}
