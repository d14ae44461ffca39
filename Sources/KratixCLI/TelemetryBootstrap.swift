import CoreMetrics
import KratixControllers
import KratixTelemetry
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// The OTLP exporters for the `telemetry` section of the kratix config, through swift-otel, as
/// upstream's `SetupTracerProvider` sets them up: traces go to the process's tracer (spans of
/// reconciles, pipeline runs and placement writes, joined by trace annotations), metrics carry
/// upstream's two WorkPlacement counters. The returned services export in batches and flush on
/// shutdown; they run in the process's service group.
enum TelemetryBootstrap {
    private static let bootstrapped = Mutex(false)

    static func start(_ settings: TelemetrySettings?, serviceName: String, logger: Logger) throws -> [any Service] {
        guard let settings, settings.tracesEnabled || settings.metricsEnabled else {
            logger.info("OpenTelemetry tracing and metrics disabled via configuration")
            return []
        }
        // The tracer is process-wide and can be bootstrapped once.
        guard bootstrapped.withLock({ done in defer { done = true }; return !done }) else { return [] }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.traces.enabled = settings.tracesEnabled
        configuration.metrics.enabled = settings.metricsEnabled
        let exporting = !settings.endpoint.isEmpty && TelemetrySettings.protocols.contains(settings.otlpProtocol)
        if !settings.endpoint.isEmpty && !exporting {
            logger.error("unable to create OTLP exporters", metadata: ["error": "unsupported OTLP protocol \"\(settings.otlpProtocol)\""])
        }
        if exporting {
            configuration.traces.otlpExporter = exporterConfiguration(settings, signal: "traces")
            configuration.metrics.otlpExporter = exporterConfiguration(settings, signal: "metrics")
        } else {
            configuration.traces.exporter = .none
            configuration.metrics.exporter = .none
        }
        var services: [any Service] = []
        if settings.tracesEnabled {
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(tracer)
            services.append(service)
            logger.info(exporting ? "OpenTelemetry tracing enabled" : "OpenTelemetry tracing configured without exporter",
                        metadata: ["endpoint": "\(settings.endpoint)", "protocol": "\(settings.otlpProtocol)"])
        } else {
            logger.info("OpenTelemetry tracing disabled via configuration")
        }
        var metrics: (any MetricsFactory)?
        if settings.metricsEnabled {
            let (factory, service) = try OTel.makeMetricsBackend(configuration: configuration)
            metrics = factory
            services.append(service)
            logger.info(exporting ? "OpenTelemetry metrics enabled" : "OpenTelemetry metrics configured without exporter",
                        metadata: ["endpoint": "\(settings.endpoint)"])
        } else {
            logger.info("OpenTelemetry metrics disabled via configuration")
        }
        KratixTelemetry.enable(tracing: settings.tracesEnabled, metrics: metrics)
        return services
    }

    /// Upstream's endpoint is `host:port` (Go's OTLP exporters add the scheme from `insecure`, and
    /// the HTTP ones the signal's path); a URL is taken as it is, with the signal's path added
    /// when it has none.
    static func endpoint(_ settings: TelemetrySettings, signal: String) -> String {
        var base = settings.endpoint
        if !base.contains("://") { base = (settings.insecure ? "http://" : "https://") + base }
        guard settings.otlpProtocol != "grpc" else { return base }
        let afterScheme = base.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let hasPath = afterScheme.count > 3 && !afterScheme[3].isEmpty
        if hasPath { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/\(signal)"
    }

    static func exporterConfiguration(_ settings: TelemetrySettings, signal: String) -> OTel.Configuration.OTLPExporterConfiguration {
        var exporter = OTel.Configuration.OTLPExporterConfiguration.default
        exporter.endpoint = endpoint(settings, signal: signal)
        exporter.headers = settings.headers.map { ($0.name, $0.value) }
        switch settings.otlpProtocol {
        case "grpc": exporter.protocol = .grpc
        case "http/json": exporter.protocol = .httpJSON
        default: exporter.protocol = .httpProtobuf
        }
        return exporter
    }
}
