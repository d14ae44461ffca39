import KubeModel

/// The `telemetry` section of the kratix config, read as upstream reads it: present means traces
/// and metrics are on unless `traces.enabled` / `metrics.enabled` say false; `protocol` defaults to
/// `grpc`; an empty endpoint records spans and trace annotations but exports nothing.
public struct TelemetrySettings: Sendable, Equatable {
    public var endpoint: String
    /// `grpc` (upstream's only one), `http/protobuf` (also `http`) or `http/json`, lower-cased.
    public var otlpProtocol: String
    public var insecure: Bool
    /// Header names and values, trimmed, sorted by name (values are credentials: never logged).
    public var headers: [(name: String, value: String)]
    public var tracesEnabled: Bool
    public var metricsEnabled: Bool

    public static let protocols = ["grpc", "http/protobuf", "http", "http/json"]

    public init(endpoint: String, otlpProtocol: String, insecure: Bool, headers: [(name: String, value: String)],
                tracesEnabled: Bool, metricsEnabled: Bool) {
        self.endpoint = endpoint
        self.otlpProtocol = otlpProtocol
        self.insecure = insecure
        self.headers = headers
        self.tracesEnabled = tracesEnabled
        self.metricsEnabled = metricsEnabled
    }

    public static func == (a: TelemetrySettings, b: TelemetrySettings) -> Bool {
        a.endpoint == b.endpoint && a.otlpProtocol == b.otlpProtocol && a.insecure == b.insecure
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
            && a.tracesEnabled == b.tracesEnabled && a.metricsEnabled == b.metricsEnabled
    }
}

extension KratixConfiguration {
    /// nil when the section is absent (telemetry off).
    public var telemetrySettings: TelemetrySettings? {
        guard let section = telemetry?.objectValue else { return nil }
        func enabled(_ key: String) -> Bool { section[key]?["enabled"]?.boolValue ?? true }
        let headers = (section["headers"]?.objectValue ?? [:]).compactMap { name, value -> (name: String, value: String)? in
            guard let text = value.stringValue else { return nil }
            return (name.trimmingCharacters(in: .whitespaces), text.trimmingCharacters(in: .whitespaces))
        }.sorted { $0.name < $1.name }
        var otlpProtocol = (section["protocol"]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if otlpProtocol.isEmpty { otlpProtocol = "grpc" }
        return TelemetrySettings(
            endpoint: (section["endpoint"]?.stringValue ?? "").trimmingCharacters(in: .whitespaces), otlpProtocol: otlpProtocol,
            insecure: section["insecure"]?.boolValue ?? false, headers: headers,
            tracesEnabled: enabled("traces"), metricsEnabled: enabled("metrics"))
    }
}
