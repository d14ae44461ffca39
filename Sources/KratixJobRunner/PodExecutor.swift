import Foundation
import KubeClient
import KubeModel
import Logging

/// Runs one pod on this machine, standing in for a kubelet and a container runtime: init containers
/// one after another (each must succeed), then the containers concurrently, each as a host process
/// in a private mount namespace with the pod's volumes mounted, its environment and command
/// resolved as Kubernetes does, and its output forwarded to a ``ContainerLogSink``.
///
/// Talks to nothing but its protocols (``PodDataSource``, ``ContainerLogSink``,
/// ``PodStatusReporter``), so it is tested with real processes and no API server.
public struct PodExecutor: Sendable {
    public struct Configuration: Sendable {
        /// Pod directories (volumes, service account files, kubeconfig) go below this, one per pod
        /// uid, removed when the pod finishes.
        public var workDirectory: String
        /// What the pods' `spec.nodeName` says; also what `fieldRef: spec.nodeName` reads.
        public var nodeName: String
        /// The API server pods reach (service account mount, `KUBERNETES_SERVICE_*`, `KUBECONFIG`);
        /// `nil` gives pods no API access.
        public var apiServer: APIServerEndpoint?
        /// Caps a pod's `terminationGracePeriodSeconds` (default 30 s) between SIGTERM and SIGKILL.
        public var maximumGracePeriod: Duration
        /// Delay before a failed container is restarted (`restartPolicy: OnFailure`).
        public var restartBackoff: Backoff
        /// Keep pod directories after the pod finished (for debugging).
        public var keepPodDirectories: Bool
        /// `HOME` in containers (images have one; host programs such as kubectl want one).
        public var home: String
        /// Programs run in this process instead of as a container's process (``InProcessProgram``).
        public var inProcessPrograms: [InProcessProgram]
        /// Handed to in-process programs (the runner's client).
        public var inProcessClient: KubeClient?
        /// Paths a confined container must not see (the platform's data directory), besides the
        /// work directory, which is never visible.
        public var hiddenPaths: [String]
        /// Where the running containers' processes are recorded, so that a runner started after
        /// this one died kills them first (``ProcessRecords``); `nil` records nothing.
        var processRecords: ProcessRecords?

        public init(
            workDirectory: String, nodeName: String = "kratix-runner", apiServer: APIServerEndpoint? = nil,
            maximumGracePeriod: Duration = .seconds(30), restartBackoff: Backoff = .podRetry,
            keepPodDirectories: Bool = false, home: String? = nil, inProcessPrograms: [InProcessProgram] = [],
            inProcessClient: KubeClient? = nil, hiddenPaths: [String] = []
        ) {
            self.workDirectory = workDirectory
            self.nodeName = nodeName
            self.apiServer = apiServer
            self.maximumGracePeriod = maximumGracePeriod
            self.restartBackoff = restartBackoff
            self.keepPodDirectories = keepPodDirectories
            self.home = home ?? ProcessInfo.processInfo.environment["HOME"] ?? "/root"
            self.inProcessPrograms = inProcessPrograms
            self.inProcessClient = inProcessClient
            self.hiddenPaths = hiddenPaths
        }
    }

    /// The `PATH` of a container whose image map entry and env set none (an image's usual default).
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public let configuration: Configuration
    let images: ImageCatalog
    let mountNamespace: MountNamespace
    let dataSource: any PodDataSource
    let logSink: any ContainerLogSink
    let logger: Logger

    public init(
        configuration: Configuration, images: ImageCatalog, mountNamespace: MountNamespace,
        dataSource: any PodDataSource, logSink: any ContainerLogSink, logger: Logger = Logger(label: "kratix.runner.pod")
    ) {
        self.configuration = configuration
        self.images = images
        self.mountNamespace = mountNamespace
        self.dataSource = dataSource
        self.logSink = logSink
        self.logger = logger
    }

    /// Runs `pod` to the end and returns its final status (also reported). Task cancellation
    /// counts as ``PodCancellation/Reason/shutdown``.
    public func run(_ pod: KubeObject, reporter: any PodStatusReporter, cancellation: PodCancellation = PodCancellation()) async -> PodStatus {
        let identity = PodIdentity(namespace: pod.namespace ?? "default", name: pod.name ?? "", uid: pod.uid ?? UUID().uuidString.lowercased())
        let now = PodStatusTracker.now()
        let spec: PodSpec
        do {
            spec = try JSONValueDecoder(basePath: "spec").decode(PodSpec.self, from: pod.spec ?? .object([:]))
        } catch {
            var status = PodStatus()
            status.phase = .failed
            status.startTime = now
            status.reason = "InvalidPodSpec"
            status.message = "the runner cannot read the pod: \(error.description)"
            PodStatusTracker.deriveConditions(&status, now: now)
            status.sequence = 1
            await reporter.report(status, pod: identity)
            return status
        }
        let tracker = PodStatusTracker(status: Self.initialStatus(spec, now: now), reporter: reporter, pod: identity)
        await tracker.update { _ in }
        let directory = configuration.workDirectory + "/" + identity.uid
        let run = PodRun(executor: self, pod: pod, spec: spec, identity: identity, directory: directory,
                         tracker: tracker, cancellation: cancellation)
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let deadline = spec.activeDeadlineSeconds, deadline > 0, Duration.seconds(deadline) < .longestScheduledDelay {
                    group.addTask {
                        await cancellation.sleep(for: .seconds(deadline))
                        if !Task.isCancelled { cancellation.cancel(.deadlineExceeded) }
                    }
                }
                await run.run()
                group.cancelAll()
            }
        } onCancel: {
            cancellation.cancel(.shutdown)
        }
        if !configuration.keepPodDirectories { FileSystem.removeTree(directory) }
        return await tracker.status
    }

    static func initialStatus(_ spec: PodSpec, now: String) -> PodStatus {
        var status = PodStatus()
        status.startTime = now
        status.hostIP = "127.0.0.1"
        status.podIP = "127.0.0.1"
        status.setCondition("PodScheduled", true, now: now)
        status.setCondition("PodReadyToStartContainers", false, now: now)
        let hasInit = !(spec.initContainers ?? []).isEmpty
        status.initContainerStatuses = (spec.initContainers ?? []).map {
            ContainerStatus(name: $0.name, image: $0.image ?? "", state: .waiting(reason: "PodInitializing", message: nil))
        }
        status.containerStatuses = spec.containers.map {
            ContainerStatus(name: $0.name, image: $0.image ?? "", state: .waiting(reason: hasInit ? "PodInitializing" : "ContainerCreating", message: nil))
        }
        return status
    }
}
