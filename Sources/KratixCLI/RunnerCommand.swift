import ArgumentParser
import Foundation
import KratixControllers
import KratixJobRunner
import KubeRuntime
import Logging
import ServiceLifecycle

struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner", abstract: "Run workflow Jobs as local processes.",
        discussion: """
            Stands in for the kubelet and the Job controller: watches Jobs through the API and runs their \
            pods as processes on this machine, each container in namespaces of its own (needs root or user \
            namespaces; as root, a container runs as an unprivileged host user and sees only its volumes, \
            see README). Images map to programs through --images.
            """)

    @Option(help: "Path to a kubeconfig.") var kubeconfig: String?
    @Option(help: "The image map file.") var images: String?
    @Option(help: "Pods run at the same time (default: twice the processors, at least 4).") var parallelism = JobRunner.Configuration.defaultParallelism
    @Flag(name: .customLong("all-jobs"), help: "Run every Job, not only those managed by Kratix.") var allJobs = false
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat = "text"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.") var logLevel = "info"

    func run() async throws {
        LogFormat.bootstrap(LogFormat(rawValue: logFormat) ?? .text, level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "kratix.runner")
        // The adapter image the workflow Jobs name (PIPELINE_ADAPTER_IMG, else this build's default) is this binary.
        let adapterImage = PipelineAdapterImage(environment: ProcessInfo.processInfo.environment).image
        let runner = JobRunner(configuration: .init(kubeconfig: kubeconfig, imageMapPath: images, parallelism: parallelism, allJobs: allJobs,
                                                    pipelineAdapterImage: adapterImage,
                                                    inProcessPrograms: [PipelineAdapterCommand.inProcessProgram(
                                                        kratixExecutable: JobRunner.Configuration.currentExecutable)]),
                               logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: runner)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
