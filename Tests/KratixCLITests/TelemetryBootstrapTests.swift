import KratixControllers
import Testing

@testable import KratixCLI

/// Where the exporters send what, from upstream's `host:port` endpoints.
@Suite struct TelemetryBootstrapTests {
    static func settings(_ endpoint: String, _ otlpProtocol: String, insecure: Bool = false) -> TelemetrySettings {
        TelemetrySettings(endpoint: endpoint, otlpProtocol: otlpProtocol, insecure: insecure, headers: [], tracesEnabled: true, metricsEnabled: true)
    }

    @Test func endpointsPerProtocolAndSignal() {
        #expect(TelemetryBootstrap.endpoint(Self.settings("collector:4317", "grpc"), signal: "traces") == "https://collector:4317")
        #expect(TelemetryBootstrap.endpoint(Self.settings("collector:4317", "grpc", insecure: true), signal: "traces") == "http://collector:4317")
        #expect(TelemetryBootstrap.endpoint(Self.settings("collector:4318", "http/protobuf", insecure: true), signal: "metrics")
            == "http://collector:4318/v1/metrics")
        #expect(TelemetryBootstrap.endpoint(Self.settings("https://otel.example.com/", "http/json"), signal: "traces")
            == "https://otel.example.com/v1/traces")
        #expect(TelemetryBootstrap.endpoint(Self.settings("https://otel.example.com/custom/traces", "http"), signal: "traces")
            == "https://otel.example.com/custom/traces")
    }
}
