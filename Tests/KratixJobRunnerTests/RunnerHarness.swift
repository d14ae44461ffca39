import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Logging
import Testing

@testable import KratixJobRunner

/// A runner in this process against an embedded API server, with the real client.
struct RunnerHarness {
    let server: TestAPIServer
    let client: KubeClient
    let directory: String

    /// Starts an API server (TLS) and a runner for `body`; both are stopped afterwards.
    static func with(
        images extra: String = "", parallelism: Int = 4, configure: (inout JobRunner.Configuration) -> Void = { _ in },
        before: (RunnerHarness) async throws -> Void = { _ in },
        _ body: (RunnerHarness) async throws -> Void
    ) async throws {
        try await TestAPIServer.with(tls: true) { server in
            let directory = try Fixtures.temporaryDirectory("runner")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let client = try makeClient(server)
            let harness = RunnerHarness(server: server, client: client, directory: directory)
            var configuration = try makeConfiguration(directory: directory, images: extra, parallelism: parallelism)
            configure(&configuration)
            let runner = JobRunner(configuration: configuration, client: client, logger: Self.logger)
            do {
                try await before(harness)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await runner.run() }
                    do {
                        try await body(harness)
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                    group.cancelAll()
                    try await group.waitForAll()
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// A client with a kubelet's rate limit (client-go's default 5/s would slow every test down).
    static func makeClient(_ server: TestAPIServer) throws -> KubeClient {
        var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
        configuration.qps = 50
        configuration.burst = 100
        return try KubeClient(configuration: configuration)
    }

    /// Short back-offs and grace periods; the test image map in `directory`.
    static func makeConfiguration(directory: String, images extra: String = "", parallelism: Int = 4) throws -> JobRunner.Configuration {
        JobRunner.Configuration(
            imageMapPath: try Fixtures.imageMap(in: directory, extra: extra), parallelism: parallelism, allJobs: false,
            kratixExecutable: "/bin/true", workDirectory: directory + "/pods", maximumGracePeriod: .seconds(5),
            retryBackoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1)),
            restartBackoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1)))
    }

    static var logger: Logger {
        var logger = Logger(label: "test.runner")
        logger.logLevel = ProcessInfo.processInfo.environment["RUNNER_TEST_LOG"] == nil ? .critical : .debug
        return logger
    }

    /// Creates an object from YAML through the client.
    @discardableResult
    func create(_ resource: GroupVersionResource, namespace: String = "default", _ yaml: String) async throws -> KubeObject {
        let object = try #require(KubeObject(YAMLReader.singleDocument(in: yaml)))
        return try await client.create(resource, object, namespace: namespace)
    }

    /// A Kratix-labelled Job whose pod template spec is `podSpec`.
    @discardableResult
    func createJob(_ name: String, namespace: String = "default", spec: String = "", podSpec: String) async throws -> KubeObject {
        let indentedPod = podSpec.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
        let indentedJob = spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return try await create(.jobs, namespace: namespace, """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(name)
              labels: {app.kubernetes.io/managed-by: Kratix}
            spec:
            \(indentedJob)
              template:
                metadata:
                  labels: {kratix.io/pipeline-name: test}
                spec:
            \(indentedPod)
            """)
    }

    func job(_ name: String, namespace: String = "default") async throws -> KubeObject {
        try await client.get(.jobs, name: name, namespace: namespace)
    }

    func pods(ofJob name: String, namespace: String = "default") async throws -> [KubeObject] {
        try await client.list(.pods, namespace: namespace, options: ListOptions(labelSelector: "job-name=\(name)")).items
            .sorted { ($0.json["metadata"]?["creationTimestamp"]?.stringValue ?? "", $0.name ?? "") < ($1.json["metadata"]?["creationTimestamp"]?.stringValue ?? "", $1.name ?? "") }
    }

    /// Waits for a Job condition to be True.
    func waitFor(_ condition: String, job name: String, timeout: Duration = .seconds(60)) async throws -> KubeObject {
        var last: KubeObject?
        let reached = try await eventually(timeout: timeout) {
            let job = try await self.job(name)
            last = job
            return (job.status?["conditions"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == condition && $0["status"] == "True" }
        }
        let job = try #require(last)
        #expect(reached, "job \(name) never reached \(condition): \(job.status ?? .null)")
        return job
    }
}

extension KubeObject {
    func conditionTypes() -> [String] {
        (status?["conditions"]?.arrayValue ?? []).filter { $0["status"] == "True" }.compactMap { $0["type"]?.stringValue }
    }

    func condition(_ type: String) -> JSONValue? {
        (status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
    }
}
