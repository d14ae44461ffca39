import ArgumentParser
import ChildProcesses
import Foundation
import KratixAPI
import KratixControllers
import KratixJobRunner
import KubeAPIServer
import KratixWebhooks
import KubeClient
import KubeModel
import KubeRuntime
import Logging
import Metrics
import ServiceLifecycle

/// `kratix dev`: the whole platform on this machine, in one process. The API server keeps its data
/// in DIR, so a second start resumes where the first stopped.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dev", abstract: "Run the whole platform on this machine.")

    @Option(name: .customLong("data-dir"), help: "Where state, the Git state store and the kubeconfig live.") var dataDir = "./.kratix/dev"
    @Option(help: "API server port; 0 picks a free one.") var port = 0
    @Flag(name: .customLong("repair-storage"), help: "Start from the intact records of damaged API server storage, moving the damaged ones aside.")
    var repairStorage = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.") var logLevel = "info"
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat = "text"
    @Option(help: "Pipeline pods run at the same time (default: twice the processors, at least 4).") var parallelism: Int?
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "A kratix config file (what the ConfigMap kratix-platform-system/kratix holds under `config`: telemetry, featureFlags, workflows, …), written into that ConfigMap before the manager starts."))
    var config: String?
    @Option(name: .customLong("authorization-mode"),
            help: "AlwaysAllow, or RBAC to hold pipelines to the permissions their Promise grants, as a real cluster does.")
    var authorizationMode = AuthorizationMode.alwaysAllow.rawValue

    func validate() throws {
        guard AuthorizationMode(rawValue: authorizationMode) != nil else {
            throw ValidationError("--authorization-mode must be one of \(AuthorizationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let logSettings = LogFormat.bootstrap(LogFormat(rawValue: logFormat) ?? .text, level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "kratix.dev")
        let directory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        try DataDirectory.prepare(directory)

        // The API server.
        let apiDirectory = "\(directory)/apiserver"
        var serverConfiguration = APIServer.Configuration(host: "127.0.0.1", port: port)
        let credentials = try ServerCredentials.loadOrCreate(in: apiDirectory, hosts: ["127.0.0.1", "localhost"])
        serverConfiguration.credentials = credentials
        serverConfiguration.authorizationMode = AuthorizationMode(rawValue: authorizationMode) ?? .alwaysAllow
        let store = try ObjectStore(dataDirectory: "\(apiDirectory)/storage", repairStorage: repairStorage, logger: Logger(label: "kratix.apiserver"))
        let bound = try await APIServer(configuration: serverConfiguration, handler: APIHandler(store: store)).bind()
        let kubeconfig = try Kubeconfig.write(server: bound.url, credentials: credentials, directory: directory)

        let metrics = MetricsRegistry()
        MetricsSystem.bootstrap(metrics.factory)
        var clientConfiguration = ClientConfiguration(
            server: bound.url, tls: TLSSettings(caPEM: credentials.caCertificatePEM), credentials: .bearerToken(credentials.token))
        // One process talks to its own server over loopback: client-go's 5/10 would only slow it down.
        clientConfiguration.qps = 50
        clientConfiguration.burst = 100
        clientConfiguration.dropsManagedFields = true
        let client = try KubeClient(configuration: clientConfiguration, logger: Logger(label: "kratix.client"), metricsFactory: metrics.factory)

        let images = "\(directory)/images.yaml"
        do {
            try await run(client: client, clientConfiguration: clientConfiguration, bound: bound, kubeconfig: kubeconfig, directory: directory,
                          images: images, metrics: metrics, logSettings: logSettings, logger: logger)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func run(client: KubeClient, clientConfiguration: ClientConfiguration, bound: BoundAPIServer, kubeconfig: String,
                     directory: String, images: String, metrics: MetricsRegistry, logSettings: LogSettings, logger: Logger) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bound.run() }
            defer { group.cancelAll() }
            try await DevBootstrap(client: client, directory: directory, logger: logger).run(imageMap: images)
            if let config { try await DevBootstrap(client: client, directory: directory, logger: logger).writeConfig(from: config) }
            // The manager acts as its ServiceAccount, as in a cluster; the runner (which
            // impersonates pods' accounts) and the bootstrap stay admin.
            let managerClient = try await ManagerIdentity.client(admin: client, configuration: clientConfiguration, metricsFactory: metrics.factory)
            // Shut down before it goes away, whatever ends the run (a client dropped unshut is a
            // leak, and a trap in debug builds).
            do {
                let platform = try await PlatformProcess.make(
                    client: managerClient, metrics: metrics, metricsBindAddress: "127.0.0.1:0", healthProbeBindAddress: "127.0.0.1:0",
                    leaderElect: false, workers: KratixPlatform.Tuning.defaultWorkers,
                    writerFactory: DefaultStateStoreWriterFactory(gitCacheDirectory: "\(directory)/git-cache"), logSettings: logSettings, logger: logger)
                // The adapter image the workflow Jobs name is this very binary.
                let adapterImage = PipelineAdapterImage(environment: ProcessInfo.processInfo.environment).image
                // DIR/images.yaml first, then the examples' own map when run from the repository.
                let exampleImages = "\(TerminalPaths.examples)/images.yaml"
                let additional = FileManager.default.fileExists(atPath: exampleImages) ? [exampleImages] : []
                let runner = JobRunner(configuration: .init(kubeconfig: kubeconfig, imageMapPath: images, additionalImageMapPaths: additional,
                                                            parallelism: parallelism ?? JobRunner.Configuration.defaultParallelism,
                                                            pipelineAdapterImage: adapterImage, workDirectory: "\(directory)/pods",
                                                            apiQPS: 50, apiBurst: 100,
                                                            inProcessPrograms: [PipelineAdapterCommand.inProcessProgram(
                                                                kratixExecutable: JobRunner.Configuration.currentExecutable)],
                                                            hiddenPaths: [directory]),
                                       client: client, logger: Logger(label: "kratix.runner"))
                // The admission webhooks, registered with this API server as a cluster registers them:
                // a Service (resolved to this loopback port) and the two webhook configurations.
                let webhooks = try await platform.webhookServices(
                    host: "127.0.0.1", port: 0, source: .selfManaged(hosts: WebhookCertificateManager.serviceHosts() + ["127.0.0.1"]),
                    logger: logger) { port in try await KratixWebhookTable.register(client: client, loopbackPort: port) }
                let services = ServiceGroup(configuration: .init(
                    // Exporters first: stopped last, they flush what the others recorded.
                    services: platform.telemetry.map { .init(service: $0) } + [.init(service: platform.manager), .init(service: runner)]
                        + webhooks.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                group.addTask {
                    while platform.manager.metricsURL == nil { try await Task.sleep(for: .milliseconds(50)) }
                    Self.banner(server: bound.url, kubeconfig: kubeconfig, directory: directory,
                                metrics: platform.manager.metricsURL ?? "", health: platform.manager.healthURL ?? "")
                }
                try await services.run()
            } catch {
                try? await managerClient.shutdown()
                throw error
            }
            try await managerClient.shutdown()
        }
    }

    static func banner(server: String, kubeconfig: String, directory: String, metrics: String, health: String) {
        let examples = TerminalPaths.examples
        print("""

            Kratix for Swift \(KratixVersion.current) is running.
              Kubernetes API   \(server)
              kubeconfig       \(kubeconfig)
              state store      \(directory)/state-store.git (branch main, Destination "local" writes under local/)
              metrics          \(metrics)
              health           \(health)/healthz, \(health)/readyz

            Next:
              export KUBECONFIG=\(kubeconfig)
              kubectl apply -f \(examples)/promise.yaml
              kubectl apply -f \(examples)/request.yaml
              kubectl get promises,works,workplacements
              git --git-dir \(directory)/state-store.git log --stat main

            Ctrl-C stops everything; starting again resumes where it left off.

            """)
        fflush(nil)
    }
}

enum TerminalPaths {
    /// `examples/` beside the binary's checkout when run from the repository, else a relative path.
    static var examples: String {
        let cwd = FileManager.default.currentDirectoryPath
        return FileManager.default.fileExists(atPath: "\(cwd)/examples") ? "\(cwd)/examples" : "examples"
    }
}

/// Creates what `kratix dev` needs once (idempotent): the system namespace, the Kratix CRDs, a bare
/// Git repository registered as GitStateStore `default`, Destination `local`, and the image map.
struct DevBootstrap {
    let client: KubeClient
    let directory: String
    let logger: Logger

    func run(imageMap: String) async throws {
        try await ensure(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: KratixGroup.systemNamespace))
        for crd in KratixCRDs.all {
            guard let object = KubeObject(crd.json) else { continue }
            try await ensure(.customResourceDefinitions, object)
        }
        // Wait until the API serves the Kratix kinds.
        for _ in 0..<100 {
            if (try? await client.list(Destination.groupVersionResource)) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let repository = "\(directory)/state-store.git"
        if !FileManager.default.fileExists(atPath: repository) {
            guard let git = ChildProcess.which("git") else {
                throw ValidationError("kratix dev keeps its state store in a local Git repository: git is not on PATH (apt-get install git)")
            }
            let initialized = try await ChildProcess.run(git, ["init", "--quiet", "--bare", "--initial-branch=main", repository],
                                                         environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
            guard initialized.exitCode == 0 else {
                throw ValidationError("git init --bare \(repository) failed: \(initialized.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        var store = KubeObject(apiVersion: KratixGroup.apiVersion, kind: GitStateStore.apiKind, name: "default")
        store.json["spec"] = ["url": .string("file://\(repository)"), "branch": "main"]
        try await ensure(GitStateStore.groupVersionResource, store)
        var destination = KubeObject(apiVersion: KratixGroup.apiVersion, kind: Destination.apiKind, name: "local")
        destination.json["metadata"]?["labels"] = ["environment": "dev"]
        destination.json["spec"] = ["path": "local", "stateStoreRef": ["kind": "GitStateStore", "name": "default"]]
        try await ensure(Destination.groupVersionResource, destination)
        if !FileManager.default.fileExists(atPath: imageMap) {
            try Data(DevBootstrap.defaultImageMap.utf8).write(to: URL(fileURLWithPath: imageMap))
        }
    }

    /// Puts the file's text into the `kratix` ConfigMap (created or replaced), after checking it
    /// parses as a kratix config, so a typo is a clear error here rather than a warning later.
    func writeConfig(from path: String) async throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--config \(path): cannot be read: \(error.localizedDescription)")
        }
        do {
            _ = try KratixConfiguration(yaml: text)
        } catch {
            throw ValidationError("--config \(path): \(error)")
        }
        var map = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: KratixConfiguration.configMapName, namespace: KratixGroup.systemNamespace)
        map.json["data"] = ["config": .string(text)]
        if var existing = try await client.getOptional(.configMaps, name: KratixConfiguration.configMapName, namespace: KratixGroup.systemNamespace) {
            existing.json["data"] = map.json["data"]
            _ = try await client.update(.configMaps, existing)
        } else {
            _ = try await client.create(.configMaps, map, namespace: KratixGroup.systemNamespace)
        }
        logger.info("wrote the kratix config from \(path)")
    }

    /// Creates `object` unless it exists (a user's edits are kept).
    func ensure(_ resource: GroupVersionResource, _ object: KubeObject) async throws {
        do {
            _ = try await client.create(resource, object, namespace: object.namespace)
            logger.info("created \(object.kind ?? "") \(object.key)")
        } catch .alreadyExists {
        }
    }

    /// The project's own mappings: a shell for simple stages, and the examples' stand-ins.
    static let defaultImageMap = """
        # Image references that workflow containers may use, and what runs for them on this machine.
        # The pipeline adapter image always maps to this kratix binary. See docs for the format.
        images:
          - image: busybox
            command: ["/bin/sh"]
          - image: alpine
            command: ["/bin/sh"]
          # kratix-cli's stages; `kratix` is this binary. terraform-generate v0.6.0 writes .tf.json,
          # later tags HCL .tf.
          - image: ghcr.io/syntasso/kratix-cli/terraform-generate:v0.6.0
            command: ["kratix", "terraform-generate", "--format", "json"]
          - image: ghcr.io/syntasso/kratix-cli/terraform-generate
            command: ["kratix", "terraform-generate"]
          - image: ghcr.io/syntasso/kratix-cli/helm-resource-configure
            command: ["kratix", "helm-resource-configure"]
          - image: ghcr.io/syntasso/kratix-cli/pulumi-generator
            commands:
              /pulumi-program-generator: ["kratix", "pulumi-generator", "program"]
              /pulumi-stack-generator: ["kratix", "pulumi-generator", "stack"]

        """
}
