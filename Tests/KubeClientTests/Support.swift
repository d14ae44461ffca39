import Foundation
import KratixTestSupport
import KubeAPIServer
@testable import KubeClient
import KubeModel
import Logging
import Synchronization

/// A logger that writes nowhere: the tests that check logs capture them themselves.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A client for the test server, fast enough for tests (no client-side rate limit).
func makeClient(_ server: TestAPIServer, token: String? = nil, logger: Logger = quietLogger) throws -> KubeClient {
    var configuration = ClientConfiguration(
        server: server.url, tls: TLSSettings(caPEM: server.caCertificatePEM),
        credentials: .bearerToken(token ?? server.token ?? ""))
    configuration.qps = 0
    configuration.maxRetries = 1
    return try KubeClient(configuration: configuration, logger: logger)
}

/// Runs `body` with `client`, shutting it down afterwards whatever happens (AsyncHTTPClient
/// insists on it).
@discardableResult
func using<T>(_ client: KubeClient, _ body: (KubeClient) async throws -> T) async throws -> T {
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `body` with a TLS test server and a client for it; the client is shut down afterwards.
@discardableResult
func withClient<T>(logger: Logger = quietLogger, _ body: (TestAPIServer, KubeClient) async throws -> T) async throws -> T {
    try await TestAPIServer.with(tls: true) { server in
        try await using(try makeClient(server, logger: logger)) { client in
            try await body(server, client)
        }
    }
}

/// A TLS API server with settings TestAPIServer does not offer: a small event window (to reach
/// 410 Gone quickly) and certificate host names.
struct CustomServer: Sendable {
    var url: String
    var port: Int
    var credentials: ServerCredentials
    var store: ObjectStore

    static func with<T>(eventWindow: Int = 10_000, hosts: [String] = ["127.0.0.1"], _ body: (CustomServer) async throws -> T) async throws -> T {
        let store = try ObjectStore(dataDirectory: nil, eventWindow: eventWindow)
        var configuration = APIServer.Configuration()
        let credentials = try ServerCredentials.generate(hosts: hosts)
        configuration.credentials = credentials
        let bound = try await APIServer(configuration: configuration, handler: APIHandler(store: store)).bind()
        let server = CustomServer(url: bound.url, port: bound.port, credentials: credentials, store: store)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bound.run() }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }
}

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclient-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target) }
        return target
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Collects every log line (message and metadata) a logger writes, for the no-secrets checks.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger at trace level writing here only (no global bootstrap).
    func logger(label: String = "capture") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error: \($0)" } ?? ""
        capture.append("\(event.level) \(label): \(event.message) \(rendered)\(error)")
    }
}

/// A ConfigMap with data and labels.
func configMap(_ name: String, namespace: String = "default", labels: [String: String] = [:], data: JSONObject = [:]) -> KubeObject {
    var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
    object.labels = labels
    if !data.isEmpty { object.json["data"] = .object(data) }
    return object
}

/// A namespaced CRD `widgets.<group>` (kind Widget) with a status subresource and a typed spec.
func widgetCRD(group: String = "test.kratix.io", kind: String = "Widget", plural: String = "widgets") -> KubeObject {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "spec": ["type": "object", "properties": ["size": ["type": "integer"], "color": ["type": "string"]]],
            "status": ["type": "object", "properties": ["phase": ["type": "string"], "ready": ["type": "boolean"]]],
        ],
    ]
    var crd = KubeObject(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "\(plural).\(group)")
    crd.spec = [
        "group": .string(group),
        "names": ["kind": .string(kind), "plural": .string(plural), "singular": .string(kind.lowercased()), "listKind": .string(kind + "List")],
        "scope": "Namespaced",
        "versions": [[
            "name": "v1", "served": true, "storage": true,
            "schema": ["openAPIV3Schema": schema],
            "subresources": ["status": [:]],
        ]],
    ]
    return crd
}
