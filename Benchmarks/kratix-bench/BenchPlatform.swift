import Foundation
import KratixCLI
import KratixAPI
import KratixControllers
import KratixJobRunner
import KubeAPIServer
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// How the platform is tuned for one run. The upstream-like mode keeps exactly the costs of
/// upstream's design (docs/PERFORMANCE.md): one worker per controller, 1.1 s held after starting a
/// pipeline, one commit per placement, the pipeline adapter as processes of its own.
struct PlatformMode: Sendable {
    var name: String
    var tuning: KratixPlatform.Tuning
    /// Git batching window of the state store writer (zero: one commit per placement, as upstream).
    var gitBatchWindow: Duration
    /// The pipeline adapter's steps in the runner's process (`kratix dev`) rather than as
    /// processes of their own (a pod's containers, as on a cluster).
    var inProcessAdapter: Bool

    var description: String {
        "workers \(tuning.workers) (WorkPlacement \(tuning.workPlacementWorkers)), "
            + (tuning.pauseAfterStart == .zero ? "no pause after a pipeline starts" : "\(Int(tuning.pauseAfterStart.seconds * 1000)) ms pause after a pipeline starts")
            + ", Git batch window " + (gitBatchWindow == .zero ? "off (1 commit per placement)" : "\(Int(gitBatchWindow.seconds * 1000)) ms")
            + (inProcessAdapter ? ", pipeline adapter in process" : ", pipeline adapter as processes")
    }
}

/// What is the same in every run: where the adapter binary is and the client-side rate limit.
struct PlatformSettings: Sendable {
    /// The `kratix` binary that pods run as the pipeline adapter.
    var kratixExecutable: String
    /// Requests per second of the manager's and the runner's clients (0: unlimited).
    var qps: Double
    var burst: Int
    /// Pods the runner runs at once (`kratix dev`: 4; a cluster runs as many as it has room for).
    var runnerParallelism = 8
}

/// The `kratix dev` parts in this process, assembled as `DevCommand` does: the embedded API server
/// (TLS, durable storage), the Kratix CRDs, a bare Git repository registered as GitStateStore
/// `default` and Destination `local` (label environment=dev), the local Job runner with an image
/// map (`busybox` → /bin/sh, the adapter image → the `kratix` binary), and the manager with
/// `KratixPlatform`. A fresh platform per run, so runs do not share caches, clones or objects.
///
/// The manager and the runner get clients of their own, each recording into its own
/// `MetricsRegistry`; the bench applies and checks objects through a third client. The API server
/// counts every request by the client's product (`User-Agent`): `kratix-manager`, `kratix-runner`,
/// `kratix-pipeline-adapter` (the adapters in the pods) and `kratix-bench`, so each part's requests
/// are known wherever it runs.
final class BenchPlatform: Sendable {
    let directory: String
    let repository: BareRepository
    /// The bench's own client (unlimited, not counted).
    let client: KubeClient
    let managerMetrics: MetricsRegistry
    let runnerMetrics: MetricsRegistry
    /// Requests the API server answered, by client product.
    let tally: RequestTally
    /// The embedded API server's storage (for its sync count).
    let store: ObjectStore

    static let destinationPath = "local"

    private init(directory: String, repository: BareRepository, client: KubeClient, managerMetrics: MetricsRegistry, runnerMetrics: MetricsRegistry,
                 tally: RequestTally, store: ObjectStore) {
        self.directory = directory
        self.repository = repository
        self.client = client
        self.managerMetrics = managerMetrics
        self.runnerMetrics = runnerMetrics
        self.tally = tally
        self.store = store
    }

    /// Starts a platform, runs `body` on it, and stops every part (manager, runner and its pods,
    /// clients, server) and removes its directory, also when `body` throws.
    static func with<T: Sendable>(mode: PlatformMode, settings: PlatformSettings, _ body: (BenchPlatform) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "kratix-bench-platform-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let credentials = try ServerCredentials.loadOrCreate(in: "\(directory)/apiserver", hosts: ["127.0.0.1", "localhost"])
        var serverConfiguration = APIServer.Configuration(host: "127.0.0.1", port: 0)
        let experiment = ProcessInfo.processInfo.environment["KRATIX_BENCH_APISERVER"] ?? ""
        serverConfiguration.credentials = experiment.contains("http") ? nil : credentials
        let tally = RequestTally()
        serverConfiguration.requestTally = tally
        let window = Int(ProcessInfo.processInfo.environment["KRATIX_BENCH_WINDOW"] ?? "") ?? 10_000
        let store = try ObjectStore(dataDirectory: experiment.contains("memory") ? nil : "\(directory)/apiserver/storage", eventWindow: window)
        if let keep = Int(ProcessInfo.processInfo.environment["KRATIX_BENCH_KEEP_EVENTS"] ?? "") { await store.keepAtMost(events: keep) }
        let bound = try await APIServer(configuration: serverConfiguration, handler: APIHandler(store: store)).bind()
        let serverTask = Task { try await bound.run() }

        func configuration(qps: Double, burst: Int, product: String) -> ClientConfiguration {
            var client = experiment.contains("http") ? ClientConfiguration(server: bound.url)
                : ClientConfiguration(server: bound.url, tls: TLSSettings(caPEM: credentials.caCertificatePEM), credentials: .bearerToken(credentials.token))
            client.qps = qps
            client.burst = burst
            client.userAgent = "\(product)/bench"
            // The platform's parts skip managedFields, as `kratix manager`, `runner` and `dev` do;
            // the bench's own client reads answers whole, as kubectl does.
            client.dropsManagedFields = product != Self.benchProduct
            return client
        }
        let managerMetrics = MetricsRegistry()
        let runnerMetrics = MetricsRegistry()
        var clients: [KubeClient] = []
        var parts: [Task<Void, any Error>] = []
        func stop() async {
            // Manager first (no new Jobs), then the runner (it stops its pods), then the server.
            for part in parts.reversed() {
                part.cancel()
                _ = await part.result
            }
            for client in clients { try? await client.shutdown() }
            serverTask.cancel()
            _ = await serverTask.result
        }
        do {
            let client = try KubeClient(configuration: configuration(qps: 0, burst: 0, product: Self.benchProduct), logger: Logger(label: "bench.client"))
            clients.append(client)
            let managerClient = try KubeClient(configuration: configuration(qps: settings.qps, burst: settings.burst, product: "kratix-manager"),
                                               logger: Logger(label: "bench.manager.client"), metricsFactory: managerMetrics.factory)
            clients.append(managerClient)
            let runnerClient = try KubeClient(configuration: configuration(qps: settings.qps, burst: settings.burst, product: "kratix-runner"),
                                              logger: Logger(label: "bench.runner.client"), metricsFactory: runnerMetrics.factory)
            clients.append(runnerClient)

            let repository = try await BareRepository.create(at: "\(directory)/state-store.git")
            let platform = BenchPlatform(directory: directory, repository: repository, client: client,
                                         managerMetrics: managerMetrics, runnerMetrics: runnerMetrics, tally: tally, store: store)
            try await platform.bootstrap()

            let environment = ProcessInfo.processInfo.environment
            let adapterImage = PipelineAdapterImage(environment: environment).image
            let images = "\(directory)/images.yaml"
            try Self.imageMap.write(toFile: images, atomically: true, encoding: .utf8)
            let runner = JobRunner(
                configuration: .init(imageMapPath: images, parallelism: settings.runnerParallelism, kratixExecutable: settings.kratixExecutable,
                                     pipelineAdapterImage: adapterImage, workDirectory: "\(directory)/pods", maximumGracePeriod: .seconds(5),
                                     apiQPS: settings.qps, apiBurst: settings.burst,
                                     inProcessPrograms: mode.inProcessAdapter ? [PipelineAdapterProgram.inProcess(kratixExecutable: settings.kratixExecutable)] : []),
                client: runnerClient, logger: Logger(label: "bench.runner"))
            parts.append(Task { try await runner.run() })

            let kratixConfiguration = try await KratixConfiguration.load(client: managerClient, environment: environment)
            let manager = Manager(client: managerClient, configuration: .init(metricsBindAddress: nil, healthProbeBindAddress: nil),
                                  metrics: managerMetrics, logger: Logger(label: "bench.manager"))
            let kratix = KratixPlatform(
                manager: manager, configuration: kratixConfiguration, tuning: mode.tuning,
                writerFactory: DefaultStateStoreWriterFactory(gitCacheDirectory: "\(directory)/git-cache", gitBatchWindow: mode.gitBatchWindow),
                logger: Logger(label: "bench.platform"))
            await kratix.register()
            parts.append(Task { try await manager.run() })

            try await platform.waitFor("Destination \(destinationPath) Ready", timeout: .seconds(60)) {
                let destination = try await client.get(Destination.groupVersionResource, name: destinationPath)
                return Self.condition("Ready", of: destination) == "True"
            }
            let result = try await body(platform)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    /// The bench's own client, whose requests are not the platform's.
    static let benchProduct = "kratix-bench"

    /// The system namespace, the Kratix CRDs, GitStateStore `default` on the bare repository and
    /// Destination `local` on it (what `DevBootstrap` creates).
    private func bootstrap() async throws {
        _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: KratixGroup.systemNamespace))
        for crd in KratixCRDs.all {
            guard let object = KubeObject(crd.json) else { throw BenchError("a Kratix CRD is not an object") }
            _ = try await client.create(.customResourceDefinitions, object)
        }
        try await waitFor("the Kratix CRDs served", timeout: .seconds(30)) {
            _ = try await self.client.list(Destination.groupVersionResource)
            return true
        }
        var store = KubeObject(apiVersion: KratixGroup.apiVersion, kind: GitStateStore.apiKind, name: "default")
        store.json["spec"] = ["url": .string("file://\(repository.path)"), "branch": "main"]
        _ = try await client.create(GitStateStore.groupVersionResource, store)
        var destination = KubeObject(apiVersion: KratixGroup.apiVersion, kind: Destination.apiKind, name: Self.destinationPath)
        destination.json["metadata"]?["labels"] = ["environment": "dev"]
        destination.json["spec"] = ["path": .string(Self.destinationPath), "stateStoreRef": ["kind": "GitStateStore", "name": "default"]]
        _ = try await client.create(Destination.groupVersionResource, destination)
    }

    /// `busybox` runs /bin/sh as in `kratix dev`'s default map; the adapter image maps to the
    /// `kratix` binary without an entry.
    static let imageMap = """
        images:
          - image: busybox
            command: ["/bin/sh"]

        """

    /// Creates a Promise from YAML and waits until its API is served and the Promise is Available.
    /// A Promise `name` whose API is `bench.kratix.io/v1` `kind` (plural `<name>s`) with an integer
    /// `spec.size`, followed by `rest`: more `spec` keys, each line indented by two spaces.
    static func promise(name: String, kind: String, rest: String = "") -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: \(name)
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: \(name)s.bench.kratix.io
            spec:
              group: bench.kratix.io
              names: {kind: \(kind), plural: \(name)s, singular: \(name)}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            size: {type: integer}

        """ + rest
    }

    func install(promise yaml: String, resource: GroupVersionResource) async throws {
        let document = try YAMLReader.singleDocument(in: yaml, source: "bench promise")
        guard let promise = KubeObject(document) else {
            throw BenchError("the bench Promise is not an object")
        }
        _ = try await client.create(Promise.groupVersionResource, promise)
        try await waitFor("\(resource.resource) served", timeout: .seconds(60)) {
            _ = try await self.client.list(resource, namespace: "default")
            return true
        }
        try await waitFor("Promise \(promise.name ?? "") Available", timeout: .seconds(60)) {
            let current = try await self.client.get(Promise.groupVersionResource, name: promise.name ?? "")
            return current.json["status"]?["status"]?.stringValue == "Available"
        }
    }

    /// Creates `names` as objects of `kind` in `default`, from `concurrency` tasks at once.
    func createRequests(_ resource: GroupVersionResource, kind: String, names: [String], concurrency: Int = 8) async throws {
        let client = self.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for index in stride(from: lane, to: names.count, by: concurrency) {
                        _ = try await client.create(resource, BenchPlatform.request(resource, kind: kind, name: names[index]), namespace: "default")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func request(_ resource: GroupVersionResource, kind: String, name: String) -> KubeObject {
        var object = KubeObject(apiVersion: "\(resource.group)/\(resource.version)", kind: kind, name: name, namespace: "default")
        object.json["spec"] = ["size": 1]
        return object
    }

    /// Polls `condition` until it holds; throws after `timeout`. Errors count as "not yet".
    func waitFor(_ what: String, timeout: Duration, every interval: Duration = .milliseconds(100),
                 _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: interval)
        }
        throw BenchError("timed out after \(timeout) waiting for \(what)")
    }

    /// `status.conditions[type].status` of an object.
    static func condition(_ type: String, of object: KubeObject) -> String? {
        object.json["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}
