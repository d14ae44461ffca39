import ArgumentParser
import Foundation
import KratixAPI
import KratixControllers
import KratixWebhooks
import KubeClient
import KubeRuntime
import Logging
import Metrics
import ServiceLifecycle

struct ManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "manager", abstract: "Run the Kratix controller manager.")

    @Option(help: "Path to a kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster).") var kubeconfig: String?
    @Option(help: "The kubeconfig context to use.") var context: String?
    @Option(name: .customLong("metrics-bind-address"), help: "Address for /metrics; 0 disables.") var metricsBindAddress = ":8080"
    @Flag(name: .customLong("metrics-secure"), inversion: .prefixedNo, help: ArgumentHelp(
        "Serve /metrics over HTTPS to callers whose token may get it (TokenReview + SubjectAccessReview), as upstream does by default; --metrics-secure=false serves plain HTTP."))
    var metricsSecure = true
    @Option(name: .customLong("pprof-bind-address"), help: ArgumentHelp(
        "Accepted for upstream's manifests. Go's pprof profiles do not exist in a Swift process: nothing is served, and a non-zero address is logged as such."))
    var pprofBindAddress = ":8082"
    @Option(name: .customLong("health-probe-bind-address"), help: "Address for /healthz and /readyz.") var healthProbeBindAddress = ":8081"
    @Flag(name: .customLong("leader-elect"), inversion: .prefixedNo, help: "Use leader election so only one manager is active.") var leaderElect = false
    @Option(name: .customLong("kube-api-qps"), help: "Client-side request rate limit; 0 means 20, controller-runtime's default, as upstream.")
    var kubeAPIQPS: Double = 0
    @Option(name: .customLong("kube-api-burst"), help: "Client-side request burst; 0 means 30.") var kubeAPIBurst: Int = 0
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat = "json"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.") var logLevel = "info"
    @OptionGroup var zap: ZapOptions
    @Option(name: .customLong("workers"), help: "Reconciles at once per controller.") var workers = KratixPlatform.Tuning.defaultWorkers
    @Option(name: .customLong("webhook-bind-address"), help: "Address for the admission webhooks (HTTPS); 0 disables them.")
    var webhookBindAddress = ":9443"
    @Option(name: .customLong("webhook-cert-dir"), help: ArgumentHelp(
        "Serve the webhooks with tls.crt/tls.key from this directory (cert-manager's mounted Secret, upstream's way) instead of a certificate the manager makes, keeps in Secret webhook-server-cert and writes the CA of into its webhook configurations."))
    var webhookCertDir: String?

    /// What `0` (the default) means for `--kube-api-qps` and `--kube-api-burst` (revisions spec §3).
    static let defaultQPS: Double = 20
    static let defaultBurst = 30

    func validate() throws {
        guard kubeAPIQPS >= 0, kubeAPIBurst >= 0 else { throw ValidationError("--kube-api-qps and --kube-api-burst cannot be negative") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be json or text") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be trace, debug, info, warning or error") }
        try zap.validate()
        guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        // The zap flags of upstream's manifests win over --log-format/--log-level when given; the
        // `logging` section of the kratix config wins over both (PlatformProcess.make).
        let (format, level) = zap.resolve(format: LogFormat(rawValue: logFormat) ?? .json, level: Logger.Level(rawValue: logLevel) ?? .info)
        let logSettings = LogFormat.bootstrap(format, level: level,
                                              prefix: ProcessInfo.processInfo.environment["KRATIX_LOGGER_PREFIX"] ?? "")
        let logger = Logger(label: "kratix.manager")
        if ProbeServer.parseAddress(pprofBindAddress) != nil {
            logger.info("--pprof-bind-address: pprof is a Go runtime feature and is not served by this manager; use /metrics (process_*) or perf",
                        metadata: ["address": "\(pprofBindAddress)"])
        }
        let metrics = MetricsRegistry()
        MetricsSystem.bootstrap(metrics.factory)
        var clientConfiguration = try ClientConfiguration.load(kubeconfig: kubeconfig, context: context)
        clientConfiguration.qps = kubeAPIQPS > 0 ? kubeAPIQPS : Self.defaultQPS
        clientConfiguration.burst = kubeAPIBurst > 0 ? kubeAPIBurst : Self.defaultBurst
        clientConfiguration.userAgent = "kratix-manager/\(KratixVersion.current)"
        clientConfiguration.dropsManagedFields = true
        let client = try KubeClient(configuration: clientConfiguration, logger: Logger(label: "kratix.client"), metricsFactory: metrics.factory)
        do {
            let platform = try await PlatformProcess.make(
                client: client, metrics: metrics, metricsBindAddress: metricsBindAddress, healthProbeBindAddress: healthProbeBindAddress,
                secureMetrics: metricsSecure, leaderElect: leaderElect, workers: workers, logSettings: logSettings, logger: logger)
            // Exporters first: a service group stops in reverse order, so they flush what the
            // manager recorded last.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = platform.telemetry.map { .init(service: $0) }
                + [.init(service: platform.manager)]
            if let address = ProbeServer.parseAddress(webhookBindAddress) {
                let source: WebhookCertificateManager.Source = webhookCertDir.map { .directory($0) }
                    ?? .selfManaged(hosts: WebhookCertificateManager.serviceHosts(namespace: ProcessInfo.processInfo.environment["POD_NAMESPACE"] ?? KratixGroup.systemNamespace))
                for service in try await platform.webhookServices(host: address.host, port: address.port, source: source, logger: logger) {
                    services.append(.init(service: service))
                }
            }
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// The manager with every Kratix controller, as `kratix manager` and `kratix dev` run it.
struct PlatformProcess {
    let manager: Manager
    let platform: KratixPlatform
    /// The OTLP exporters of the config's `telemetry` section (none when it is absent).
    var telemetry: [any Service] = []

    /// The admission webhook server and the service keeping its certificate; the certificate is in
    /// place before the server accepts a connection. Webhooks read through the API (not the
    /// informer caches): every replica serves them, leader or not.
    /// `bound` runs once the port is known and before the CA is written into the webhook
    /// configurations (`kratix dev` registers them there).
    func webhookServices(host: String, port: Int, source: WebhookCertificateManager.Source, logger: Logger,
                         bound: (Int) async throws -> Void = { _ in }) async throws -> [any Service] {
        let certificate = ServingCertificate()
        let certificates = WebhookCertificateManager(client: manager.client, source: source, certificate: certificate)
        let handlers = KratixWebhookTable.handlers(client: manager.client, reader: LiveReader(client: manager.client),
                                                   configuration: platform.configuration)
        let server = try await WebhookServer.bind(.init(host: host, port: port), handlers: handlers, certificate: certificate)
        manager.addReadinessCheck("webhook") { server.isStarted }
        try await bound(server.port)
        try await certificates.prepare()
        return [certificates, server]
    }

    static func make(client: KubeClient, metrics: MetricsRegistry, metricsBindAddress: String?, healthProbeBindAddress: String?,
                     secureMetrics: Bool = false, leaderElect: Bool, workers: Int, writerFactory: any StateStoreWriterFactory = DefaultStateStoreWriterFactory(),
                     logSettings: LogSettings? = nil, logger: Logger) async throws -> PlatformProcess {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try await KratixConfiguration.load(client: client, environment: environment)
        // `logging.*` in the config overrides the flags, as upstream's overrides its zap flags.
        if let logSettings {
            logSettings.update(format: configuration.structuredLoggingConfigured ? (configuration.structuredLogging ? .json : .text) : nil,
                               level: configuration.logLevelConfigured ? Logger.Level(rawValue: configuration.logLevel.rawValue) : nil)
        }
        // Nothing of the ConfigMap is dropped silently: what was ignored is logged.
        for warning in configuration.warnings {
            logger.warning("kratix config: \(warning)")
        }
        let telemetry = try TelemetryBootstrap.start(configuration.telemetrySettings, serviceName: "kratix-controller-manager", logger: logger)
        var election: LeaderElector.Configuration?
        if leaderElect {
            election = LeaderElector.Configuration(
                namespace: environment["POD_NAMESPACE"] ?? KratixGroup.systemNamespace, name: KratixGroup.leaderElectionID,
                leaseDuration: configuration.leaderElection.leaseDuration, renewDeadline: configuration.leaderElection.renewDeadline,
                retryPeriod: configuration.leaderElection.retryPeriod)
        }
        let manager = Manager(client: client, configuration: .init(
            metricsBindAddress: metricsBindAddress, healthProbeBindAddress: healthProbeBindAddress, leaderElection: election,
            secureMetrics: secureMetrics),
            metrics: metrics, logger: logger)
        let platform = KratixPlatform(manager: manager, configuration: configuration, workers: workers, writerFactory: writerFactory, logger: logger)
        await platform.register()
        return PlatformProcess(manager: manager, platform: platform, telemetry: telemetry)
    }
}
