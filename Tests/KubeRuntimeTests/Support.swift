import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Logging
import Metrics

/// A client for the test server, shut down when `body` returns.
func withClient<T>(_ server: TestAPIServer, qps: Double = 0, metricsFactory: (any MetricsFactory)? = nil, _ body: (KubeClient) async throws -> T) async throws -> T {
    var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
    // Tests write fast on purpose; the client-side limit is measured elsewhere.
    configuration.qps = qps
    let client = try KubeClient(configuration: configuration, metricsFactory: metricsFactory)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

func configMap(_ name: String, namespace: String = "default", data: [String: String] = [:]) -> KubeObject {
    var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
    object.json["data"] = .object(JSONObject(uniqueKeysWithValues: data.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
    return object
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
