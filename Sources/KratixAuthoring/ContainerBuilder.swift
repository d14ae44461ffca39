import ChildProcesses
import Foundation
import KubeModel

/// `kratix build container` (§5.10): builds (and pushes) the images of the containers `add
/// container` scaffolded, with the container engine the user names, run as upstream runs it.
public struct ContainerBuilder: Sendable {
    public var directory: PromiseDirectory
    public var path: String?
    public var name: String?
    public var all: Bool
    public var engine: String
    public var buildx: Bool
    public var buildArgs: String
    public var push: Bool

    public static let engines = ["docker", "podman"]

    public init(
        directory: String, path: String?, name: String? = nil, all: Bool = false, engine: String = "docker", buildx: Bool = false,
        buildArgs: String = "", push: Bool = false
    ) {
        self.directory = PromiseDirectory(directory)
        self.path = path
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        self.all = all
        self.engine = engine
        self.buildx = buildx
        self.buildArgs = buildArgs
        self.push = push
    }

    /// One engine run: the program (found on PATH) and its arguments.
    public struct Invocation: Sendable, Equatable {
        public var executable: String
        public var arguments: [String]
    }

    /// The engine's path on `PATH`, or upstream's error naming it (and, since buildx is a docker
    /// plugin, the engines that can run it).
    public func engineExecutable(path searchPath: String?) throws(AuthoringError) -> String {
        guard Self.engines.contains(engine) else {
            throw AuthoringError("unsupported container engine: \(engine) (supported: docker, podman; --buildx runs `<engine> buildx`)")
        }
        guard let found = ChildProcess.which(engine, path: searchPath) else {
            throw AuthoringError("\(engine) CLI not found in PATH")
        }
        return found
    }

    /// Every container to build, with the lines to print and the engine runs, in order. Pure apart
    /// from reading the Promise directory, so tests can inspect it.
    public func plan(executable: String, notice: (String) -> Void) throws(AuthoringError) -> [(message: String, run: Invocation)] {
        let promise = try directory.promiseWithWorkflows(notice: notice)
        let workflows = promise[path: ["spec", "workflows"]]
        let hasAny = PromiseDirectory.lifecycles.contains { lifecycle in
            PromiseDirectory.actions.contains { !(workflows?[path: [lifecycle, $0]]?.arrayValue?.isEmpty ?? true) }
        }
        guard hasAny else { throw AuthoringError("no workflows found") }
        var targets: [String] = []
        if all {
            for lifecycle in PromiseDirectory.lifecycles {
                for action in PromiseDirectory.actions {
                    for entry in Self.entries(directory.file("workflows/\(lifecycle)/\(action)")) {
                        targets.append("\(lifecycle)/\(action)/\(entry)")
                    }
                }
            }
        } else {
            guard let path else { throw AuthoringError("expected at least 1 argument") }
            targets = [path]
        }
        var steps: [(message: String, run: Invocation)] = []
        for target in targets {
            let pipelinePath = try PipelinePath(parsing: target)
            let pipelines = workflows?[path: [pipelinePath.lifecycle, pipelinePath.action]]?.arrayValue ?? []
            guard let pipeline = pipelines.first(where: { $0[path: ["metadata", "name"]]?.stringValue == pipelinePath.pipeline }) else {
                throw AuthoringError("error RetrievePipeline: pipeline \(pipelinePath.pipeline) not found in \(pipelinePath.lifecycle) \(pipelinePath.action) workflows")
            }
            let pipelineDirectory = directory.file("\(pipelinePath.workflowDirectory)/\(pipelinePath.pipeline)")
            let container = try Self.container(in: Self.entries(pipelineDirectory), of: pipeline, named: name)
            let image = container["image"]?.stringValue ?? ""
            let containerName = container["name"]?.stringValue ?? ""
            var arguments = ["--tag", image, pipelineDirectory + "/" + containerName]
            var command = ["build"]
            if buildx {
                command = ["buildx", "build"]
                if push { arguments.append("--push") }
            }
            arguments += buildArgs.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
            steps.append(("Building container with tag \(image)...", Invocation(executable: executable, arguments: command + arguments)))
            if push && !buildx {
                steps.append(("Pushing container with tag \(image)...", Invocation(executable: executable, arguments: ["push", image])))
            }
        }
        return steps
    }

    /// upstream's `FindContainerIndex`: the one sub-directory, or the one `--name` picks.
    static func container(in entries: [String], of pipeline: JSONValue, named name: String?) throws(AuthoringError) -> JSONValue {
        guard !entries.isEmpty else { throw AuthoringError("no container found in path") }
        var chosen = name
        if entries.count == 1 {
            if let name, name != entries[0] { throw AuthoringError("container \(name) not found in pipeline directory") }
            chosen = entries[0]
        }
        guard let chosen else {
            throw AuthoringError("more than one container exists for this pipeline, please provide a name with --name")
        }
        let containers = pipeline[path: ["spec", "containers"]]?.arrayValue ?? []
        guard let container = containers.first(where: { $0["name"]?.stringValue == chosen }) else {
            throw AuthoringError("container \(chosen) not found in pipeline")
        }
        guard entries.contains(chosen) else { throw AuthoringError("directory entry not found for container \(chosen)") }
        return container
    }

    /// A directory's entries in name order; none when it does not exist.
    static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Prints each step's line and runs it with this process's output; stops at the first failure.
    public func run(environment: [String: String], print: (String) -> Void) async throws(AuthoringError) {
        let executable = try engineExecutable(path: environment["PATH"])
        for step in try plan(executable: executable, notice: print) {
            print(step.message)
            let process: ChildProcess
            do {
                process = try ChildProcess.spawn([step.run.executable] + step.run.arguments, environment: environment, stdoutFD: 1, stderrFD: 2)
            } catch {
                throw AuthoringError("\(error)")
            }
            let status = await process.wait()
            guard status.code == 0, status.signal == nil else {
                throw AuthoringError("\(engine) \(step.run.arguments.first ?? "") failed: exit status \(status.code)")
            }
        }
    }
}
