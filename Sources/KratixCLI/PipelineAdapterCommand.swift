import ArgumentParser
import Foundation
import KratixAPI
import KratixJobRunner
import KratixPipelineAdapter
import KubeClient
import Logging

/// The steps Kratix adds to every workflow Job (§6). They run inside the Job's pod and reach the
/// API server with the pod's service account (in-cluster), or KUBECONFIG outside a pod; or, on
/// the local runner, inside the runner's process (``inProcessProgram(kratixExecutable:)``).
struct PipelineAdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-adapter",
        abstract: "The steps Kratix adds to every workflow Job.",
        subcommands: [Reader.self, WorkCreator.self, UpdateStatus.self])

    static let userAgent = "kratix-pipeline-adapter/\(KratixVersion.current)"

    /// Where a step runs: in its own process in a pod, or in the local runner's process. The step's
    /// code is the same; only the client, the paths and the output differ.
    struct Context: Sendable {
        var client: KubeClient
        var environment: [String: String]
        /// Where the paths inside the container are here.
        var paths: PathMap
        var output: @Sendable (String) async -> Void
    }

    /// One step, runnable in either place.
    protocol Step: AsyncParsableCommand {
        func run(in context: Context) async throws
    }

    /// Runs `step` as this process: the pod's client, the container's own paths, stdout.
    static func runInProcessOfItsOwn(_ step: some Step) async throws {
        var configuration = try ClientConfiguration.load()
        configuration.userAgent = userAgent
        configuration.dropsManagedFields = true
        let client = try KubeClient(configuration: configuration, logger: Logger(label: "kratix.pipeline-adapter"))
        let context = Context(client: client, environment: ProcessInfo.processInfo.environment, paths: .identity,
                              output: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) })
        do {
            try await step.run(in: context)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The adapter as the local runner runs it in its own process: `<kratix> pipeline-adapter …`
    /// parsed exactly as on the command line, acting as the pod's service account through the
    /// runner's client, reading and writing the pod's volumes. A failure is logged as the process
    /// would print it, with exit code 1.
    static func inProcessProgram(kratixExecutable: String) -> InProcessProgram {
        InProcessProgram(commandPrefix: [kratixExecutable, "pipeline-adapter"]) { container in
            guard let runnerClient = container.client else {
                await container.log("Error: the runner has no API client for the pipeline adapter")
                return 1
            }
            let step: any Step
            do {
                guard let parsed = try PipelineAdapterCommand.parseAsRoot(container.arguments) as? any Step else {
                    await container.log(PipelineAdapterCommand.helpMessage())
                    return 64
                }
                step = parsed
            } catch {
                await container.log(PipelineAdapterCommand.fullMessage(for: error))
                return PipelineAdapterCommand.exitCode(for: error).rawValue
            }
            let client = runnerClient.impersonating(serviceAccount: container.serviceAccount, namespace: container.pod.namespace,
                                                    userAgent: userAgent)
            // Messages name files as the container sees them, as they would from the pod.
            let mounts = container.mounts.sorted { $0.value.count > $1.value.count }
            let log: @Sendable (String) async -> Void = { line in
                await container.log(mounts.reduce(line) { $0.replacingOccurrences(of: $1.value, with: $1.key) })
            }
            let context = Context(client: client, environment: container.environment, paths: PathMap(mounts: container.mounts), output: log)
            do {
                try await step.run(in: context)
                return 0
            } catch {
                await log("Error: \(error)")
                return 1
            }
        }
    }

    struct Reader: Step {
        static let configuration = CommandConfiguration(commandName: "reader", abstract: "Write the object to /kratix/input/object.yaml.")

        func run() async throws { try await PipelineAdapterCommand.runInProcessOfItsOwn(self) }

        func run(in context: Context) async throws {
            let environment = try PipelineAdapterEnvironment(context.environment, paths: context.paths)
            try await PipelineAdapter.reader(client: context.client, environment: environment)
            await context.output("wrote \(environment.containerInputDirectory)/object.yaml")
        }
    }

    struct WorkCreator: Step {
        static let configuration = CommandConfiguration(commandName: "work-creator", abstract: "Turn /kratix/output into a Work.")
        @Option(name: .customLong("input-directory")) var inputDirectory: String
        @Option(name: .customLong("promise-name")) var promiseName: String
        @Option(name: .customLong("pipeline-name")) var pipelineName: String
        @Option var namespace = KratixGroup.systemNamespace
        @Option(name: .customLong("resource-name")) var resourceName: String?
        @Option(name: .customLong("resource-namespace")) var resourceNamespace: String?
        @Option(name: .customLong("workflow-type")) var workflowType = "resource"

        func run() async throws { try await PipelineAdapterCommand.runInProcessOfItsOwn(self) }

        func run(in context: Context) async throws {
            var options = WorkCreatorOptions(inputDirectory: inputDirectory, promiseName: promiseName, pipelineName: pipelineName,
                                             namespace: namespace, resourceName: resourceName, resourceNamespace: resourceNamespace,
                                             workflowType: workflowType)
            options.paths = context.paths
            options.apply(environment: context.environment)
            let result = try await PipelineAdapter.workCreator(client: context.client, options: options) { warning in
                await context.output("warning: \(warning)")
            }
            await context.output("\(result)")
        }
    }

    struct UpdateStatus: Step {
        static let configuration = CommandConfiguration(commandName: "update-status", abstract: "Merge status.yaml into the object's status.")

        func run() async throws { try await PipelineAdapterCommand.runInProcessOfItsOwn(self) }

        func run(in context: Context) async throws {
            let environment = try PipelineAdapterEnvironment(context.environment, paths: context.paths)
            let result = try await PipelineAdapter.updateStatus(client: context.client, environment: environment)
            for warning in result.warnings { await context.output("warning: \(warning)") }
            await context.output("status updated for \(result.object.key)")
        }
    }
}

/// The pipeline adapter as the local Job runner runs it in its own process (`kratix dev`,
/// `kratix runner`, and the bench and tests that assemble them).
public enum PipelineAdapterProgram {
    /// Stands in for `<kratixExecutable> pipeline-adapter …` in workflow pods.
    public static func inProcess(kratixExecutable: String) -> InProcessProgram {
        PipelineAdapterCommand.inProcessProgram(kratixExecutable: kratixExecutable)
    }
}
