import Foundation
import KubeClient
import KubeModel
import KubeRuntime
import Logging
import ServiceLifecycle

/// `kratix runner`: a stand-in for the Job controller and a kubelet that runs the pods of
/// `batch/v1` Jobs as processes on this machine, talking to nothing but the Kubernetes API.
///
/// It watches Jobs (by default only Kratix's), creates a Pod per attempt, runs it with a
/// ``PodExecutor``, and keeps Pod and Job status as the real controllers do, so `kubectl get`,
/// `describe`, `logs` and `wait` work and Kratix sees its workflows finish.
///
/// A `Service`: `run()` serves until cancelled or until a graceful shutdown, which stops taking
/// pods, sends SIGTERM to the running ones and waits for them (SIGKILL after their grace period).
/// On start, pods an earlier runner left running are marked failed so their Jobs retry. Only one
/// runner may serve an API server at a time: a second would fail the first one's pods.
public struct JobRunner: Service {
    public struct Configuration: Sendable {
        /// Where the API server is: a kubeconfig file (else `KUBECONFIG`, `~/.kube/config`, in-cluster).
        public var kubeconfig: String?
        public var context: String?
        /// The image map (`--images`); re-read when it changes.
        public var imageMapPath: String?
        /// More image maps consulted after ``imageMapPath`` (`kratix dev`: `examples/images.yaml`).
        public var additionalImageMapPaths: [String]
        /// Pods running at once (`--parallelism`, by default ``defaultParallelism``); the others
        /// wait as `Pending` with the reason `WaitingForRunnerSlot`.
        public var parallelism: Int
        /// Run every Job, not only those labelled `app.kubernetes.io/managed-by=Kratix` (`--all-jobs`).
        public var allJobs: Bool
        /// The running `kratix` binary: the pipeline adapter image runs as `<kratix> pipeline-adapter`.
        public var kratixExecutable: String
        /// `PIPELINE_ADAPTER_IMG`, mapped to ``kratixExecutable`` like the upstream adapter image.
        public var pipelineAdapterImage: String?
        /// Pod directories go here; `nil` uses a new directory under the system's temporary directory.
        public var workDirectory: String?
        /// The node name pods are bound to (`spec.nodeName`).
        public var nodeName: String
        /// Caps every pod's `terminationGracePeriodSeconds`.
        public var maximumGracePeriod: Duration
        /// Delay before a failed Job pod is replaced by a new one.
        public var retryBackoff: Backoff
        /// Delay before a failed container is restarted in place (`restartPolicy: OnFailure`).
        public var restartBackoff: Backoff
        /// Keep pod directories after pods finish, for debugging.
        public var keepPodDirectories: Bool
        /// Client-side rate limit of the client the runner makes (a kubelet's defaults: 50/s, bursts
        /// of 100); every container start and stop is a status write, and output is a write per batch.
        public var apiQPS: Double
        public var apiBurst: Int
        /// Programs run in the runner's process instead of as a container's process; `kratix dev`
        /// and `kratix runner` give the pipeline adapter (``InProcessProgram``).
        public var inProcessPrograms: [InProcessProgram]
        /// Paths confined containers must not see besides the work directory: the platform's data
        /// directory (`kratix dev` gives its own).
        public var hiddenPaths: [String]
        /// The unprivileged host ids confined containers run as.
        public var hostIDs: HostIDRange

        public init(
            kubeconfig: String? = nil, context: String? = nil, imageMapPath: String? = nil, additionalImageMapPaths: [String] = [],
            parallelism: Int = JobRunner.Configuration.defaultParallelism,
            allJobs: Bool = false, kratixExecutable: String = JobRunner.Configuration.currentExecutable,
            pipelineAdapterImage: String? = ProcessInfo.processInfo.environment["PIPELINE_ADAPTER_IMG"],
            workDirectory: String? = nil, nodeName: String = "kratix-runner", maximumGracePeriod: Duration = .seconds(30),
            retryBackoff: Backoff = .podRetry, restartBackoff: Backoff = .podRetry, keepPodDirectories: Bool = false,
            apiQPS: Double = 50, apiBurst: Int = 100, inProcessPrograms: [InProcessProgram] = [],
            hiddenPaths: [String] = [], hostIDs: HostIDRange = .default
        ) {
            self.kubeconfig = kubeconfig
            self.context = context
            self.imageMapPath = imageMapPath
            self.additionalImageMapPaths = additionalImageMapPaths
            self.parallelism = parallelism
            self.allJobs = allJobs
            self.kratixExecutable = kratixExecutable
            self.pipelineAdapterImage = pipelineAdapterImage
            self.workDirectory = workDirectory
            self.nodeName = nodeName
            self.maximumGracePeriod = maximumGracePeriod
            self.retryBackoff = retryBackoff
            self.restartBackoff = restartBackoff
            self.keepPodDirectories = keepPodDirectories
            self.apiQPS = apiQPS
            self.apiBurst = apiBurst
            self.inProcessPrograms = inProcessPrograms
            self.hiddenPaths = hiddenPaths
            self.hostIDs = hostIDs
        }

        /// Pods run at once unless `--parallelism` says otherwise: two per processor, at least 4.
        /// Pipelines mostly wait (on the API server, Git, Terraform providers), so a pipeline that
        /// never ends takes one slot of many rather than a quarter of the runner.
        public static var defaultParallelism: Int {
            max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
        }

        /// This process's executable (`/proc/self/exe`), which is `kratix` when the CLI runs the runner.
        public static var currentExecutable: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }
    }

    /// Jobs the runner takes by default: Kratix's workflow Jobs.
    public static let managedJobSelector = "app.kubernetes.io/managed-by=Kratix"

    public let configuration: Configuration
    private let client: KubeClient?
    private let logger: Logger

    /// - Parameter client: a client to use (and leave open; give it a rate limit like ``Configuration/apiQPS``);
    ///   `nil` creates one from the configuration.
    public init(configuration: Configuration, client: KubeClient? = nil, logger: Logger = Logger(label: "kratix.runner")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        guard configuration.parallelism > 0 else { throw JobRunnerError.invalidConfiguration("parallelism must be at least 1") }
        guard FileManager.default.isExecutableFile(atPath: configuration.kratixExecutable) else {
            throw JobRunnerError.invalidConfiguration("the kratix executable \(configuration.kratixExecutable) does not exist or is not executable")
        }
        let mountNamespace = try await MountNamespace.detect(hostIDs: configuration.hostIDs)
        if let reason = mountNamespace.fallbackReason {
            logger.warning("containers are not confined as well as they could be: they run as \(mountNamespace.mode)", metadata: [
                "why": "\(reason)",
            ])
        }
        if let client {
            try await serve(client: client, mountNamespace: mountNamespace)
        } else {
            var loaded = try ClientConfiguration.load(kubeconfig: configuration.kubeconfig, context: configuration.context)
            loaded.qps = configuration.apiQPS
            loaded.burst = configuration.apiBurst
            loaded.dropsManagedFields = true
            let client = try KubeClient(configuration: loaded, logger: logger)
            do {
                try await serve(client: client, mountNamespace: mountNamespace)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// Creates the work directory (a temporary one, removed afterwards, unless one is configured)
    /// and serves.
    private func serve(client: KubeClient, mountNamespace: MountNamespace) async throws {
        let temporary = configuration.workDirectory == nil
        let workDirectory = configuration.workDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("kratix-runner-\(getpid())").path
        do {
            // The runner's alone: containers see their volumes through their mounts only.
            try FileSystem.createDirectory(workDirectory, mode: 0o700)
        } catch {
            throw JobRunnerError.invalidConfiguration("cannot create the work directory: \(error)")
        }
        defer { if temporary { FileSystem.removeTree(workDirectory) } }
        try await serve(client: client, mountNamespace: mountNamespace, workDirectory: workDirectory)
    }

    /// Where the running containers are recorded: beside the pods of a configured work directory,
    /// else one directory of the machine's, shared by the runners that use temporary ones.
    private var processRecordDirectory: String {
        configuration.workDirectory.map { $0 + "/.processes" }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("kratix-runner-processes").path
    }

    private func serve(client: KubeClient, mountNamespace: MountNamespace, workDirectory: String) async throws {
        // Before anything runs: what a runner that died left running must not run beside its rerun.
        let records = ProcessRecords(directory: processRecordDirectory)
        await records.killLeftovers(logger: logger)
        let images = ImageCatalog(
            configuration: .init(
                mapPath: configuration.imageMapPath, additionalMapPaths: configuration.additionalImageMapPaths,
                kratixExecutable: configuration.kratixExecutable, pipelineAdapterImage: configuration.pipelineAdapterImage),
            logger: logger)
        let endpoint = APIServerEndpoint(
            url: client.configuration.server, caCertificatePEM: client.configuration.tls.caPEM,
            insecureSkipTLSVerify: client.configuration.tls.insecureSkipTLSVerify)
        let scheduler = PodScheduler(parallelism: configuration.parallelism)
        // The controller runtime every controller of the project runs on: shared informers for
        // the Jobs, this node's pods and the ConfigMaps pods mount, and a controller whose queue
        // the pods report back to.
        let informers = SharedInformers(client: client, logger: logger)
        let configMaps = await informers.informer(for: .configMaps)
        var executorConfiguration = PodExecutor.Configuration(
            workDirectory: workDirectory, nodeName: configuration.nodeName, apiServer: endpoint,
            maximumGracePeriod: configuration.maximumGracePeriod, restartBackoff: configuration.restartBackoff,
            keepPodDirectories: configuration.keepPodDirectories, inProcessPrograms: configuration.inProcessPrograms,
            inProcessClient: client, hiddenPaths: configuration.hiddenPaths)
        executorConfiguration.processRecords = records
        let executor = PodExecutor(
            configuration: executorConfiguration,
            images: images, mountNamespace: mountNamespace, dataSource: APIPodDataSource(client: client, configMaps: configMaps),
            logSink: APIContainerLogSink(client: client, logger: logger), logger: logger)

        let jobs = await informers.informer(for: .jobs, labelSelector: configuration.allJobs ? nil : Self.managedJobSelector)
        let pods = await informers.informer(for: SharedInformers.Key(
            .pods, labelSelector: JobController.controllerUIDLabel, fieldSelector: "spec.nodeName=\(configuration.nodeName)"))
        pods.cache.addLabelIndex(JobController.controllerUIDLabel)
        // The runner's writes (pods it creates, statuses it sets) reach these caches before the next reconcile.
        let observer = client.writeObservers.add { resource, object in await informers.applyWritten(resource, object) }
        defer { client.writeObservers.remove(observer) }
        let queue = WorkQueue<ObjectKey>(name: "jobs")
        let controller = JobController(
            client: client, executor: executor, scheduler: scheduler, queue: queue, pods: pods.cache, nodeName: configuration.nodeName,
            retryBackoff: configuration.retryBackoff, logger: logger)
        let jobController = Controller<KubeObject>(name: "jobs", cache: jobs.cache, queue: queue, client: client, logger: logger) { job, _ in
            await controller.reconcile(job)
        }
        await jobController.watch(jobs)
        await jobController.watch(pods, trigger: .owner(kind: "Job", group: "batch"))
        // Side effects the reconcile cannot see: a deleted Job or pod stops its processes at once.
        await jobs.subscribe { event in if case .deleted(let job) = event { await controller.jobDeleted(job) } }
        await pods.subscribe { event in await controller.podChanged(event) }
        let shutdown = ShutdownSignal()
        logger.info("job runner started", metadata: [
            "server": "\(endpoint.url)", "parallelism": "\(configuration.parallelism)",
            "jobs": "\(configuration.allJobs ? "all" : Self.managedJobSelector)", "workDirectory": "\(workDirectory)",
            "isolation": "\(mountNamespace.mode)",
        ])

        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // The control loops: they stop as soon as shutdown begins.
                group.addTask {
                    await withTaskGroup(of: Void.self) { loops in
                        loops.addTask {
                            await Self.retrying(logger: logger) { () async throws(ClientError) in try await controller.failAbandonedPods() }
                            await withTaskGroup(of: Void.self) { parts in
                                parts.addTask { await informers.tasks.run() }
                                parts.addTask { await jobController.run() }
                            }
                        }
                        await shutdown.wait()
                        loops.cancelAll()
                    }
                }
                group.addTask {
                    await shutdown.wait()
                    await queue.shutDown()
                    await scheduler.close(reason: .shutdown)
                }
                // The pods: each runs in a child task, so the runner returns only when all have stopped.
                while let entry = await scheduler.next() {
                    group.addTask { await controller.runPod(entry) }
                }
            }
        } onCancelOrGracefulShutdown: {
            shutdown.fire()
        }
        logger.info("job runner stopped")
    }

    /// Retries `operation` with a back-off until it succeeds or the task is cancelled.
    private static func retrying(logger: Logger, _ operation: () async throws(ClientError) -> Void) async {
        let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(10))
        var failures = 0
        while !Task.isCancelled {
            do {
                try await operation()
                return
            } catch {
                failures += 1
                logger.warning("retrying after an API failure", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.delay(afterFailures: failures))
            }
        }
    }
}
