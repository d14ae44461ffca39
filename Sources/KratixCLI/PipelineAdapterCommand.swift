import ArgumentParser
import Foundation
import KratixAPI
import KratixPipelineAdapter
import KubeClient
import Logging

/// The steps Kratix adds to every workflow Job (§6). They run inside the Job's pod and reach the
/// API server with the pod's service account (in-cluster), or KUBECONFIG outside a pod.
struct PipelineAdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-adapter",
        abstract: "The steps Kratix adds to every workflow Job.",
        subcommands: [Reader.self, WorkCreator.self, UpdateStatus.self])

    static func withClient<T>(_ body: (KubeClient) async throws -> T) async throws -> T {
        var configuration = try ClientConfiguration.load()
        configuration.userAgent = "kratix-pipeline-adapter/\(KratixVersion.current)"
        let client = try KubeClient(configuration: configuration, logger: Logger(label: "kratix.pipeline-adapter"))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    struct Reader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reader", abstract: "Write the object to /kratix/input/object.yaml.")
        func run() async throws {
            let written = try await PipelineAdapterCommand.withClient { client in
                try await PipelineAdapter.reader(client: client, environment: ProcessInfo.processInfo.environment)
            }
            print("wrote \(written.path)")
        }
    }

    struct WorkCreator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "work-creator", abstract: "Turn /kratix/output into a Work.")
        @Option(name: .customLong("input-directory")) var inputDirectory: String
        @Option(name: .customLong("promise-name")) var promiseName: String
        @Option(name: .customLong("pipeline-name")) var pipelineName: String
        @Option var namespace = KratixGroup.systemNamespace
        @Option(name: .customLong("resource-name")) var resourceName: String?
        @Option(name: .customLong("resource-namespace")) var resourceNamespace: String?
        @Option(name: .customLong("workflow-type")) var workflowType = "resource"

        func run() async throws {
            var options = WorkCreatorOptions(inputDirectory: inputDirectory, promiseName: promiseName, pipelineName: pipelineName,
                                             namespace: namespace, resourceName: resourceName, resourceNamespace: resourceNamespace,
                                             workflowType: workflowType)
            options.apply(environment: ProcessInfo.processInfo.environment)
            let result = try await PipelineAdapterCommand.withClient { client in
                try await PipelineAdapter.workCreator(client: client, options: options)
            }
            print("\(result)")
        }
    }

    struct UpdateStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update-status", abstract: "Merge status.yaml into the object's status.")
        func run() async throws {
            let result = try await PipelineAdapterCommand.withClient { client in
                try await PipelineAdapter.updateStatus(client: client, environment: ProcessInfo.processInfo.environment)
            }
            for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            print("status updated for \(result.object.key)")
        }
    }
}
