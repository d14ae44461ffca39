import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// Runs everything a controller process needs as one `Service`: shared informers, controllers
/// (added before or while it runs), leader election and the probe/metrics endpoints.
///
/// Informers start at once, so a standby warms its caches; controllers start when this process
/// leads. On graceful shutdown the controllers finish their in-flight reconciles, then the lease
/// is released so another replica takes over at once. Losing the lease stops every controller
/// together and makes `run()` throw, so the process exits as controller-runtime's does.
public final class Manager: Service, Sendable {
    public struct Configuration: Sendable {
        /// `:8080`, `127.0.0.1:0`, or `nil`/`"0"` for none.
        public var metricsBindAddress: String?
        public var healthProbeBindAddress: String?
        public var leaderElection: LeaderElector.Configuration?
        /// How long a graceful shutdown waits for reconciles to finish before cancelling them.
        public var gracefulShutdownTimeout: Duration

        public init(metricsBindAddress: String? = ":8080", healthProbeBindAddress: String? = ":8081",
                    leaderElection: LeaderElector.Configuration? = nil, gracefulShutdownTimeout: Duration = .seconds(30)) {
            self.metricsBindAddress = metricsBindAddress
            self.healthProbeBindAddress = healthProbeBindAddress
            self.leaderElection = leaderElection
            self.gracefulShutdownTimeout = gracefulShutdownTimeout
        }
    }

    public let client: KubeClient
    public let configuration: Configuration
    public let informers: SharedInformers
    public let metrics: MetricsRegistry
    public let elector: LeaderElector?
    public let logger: Logger

    private struct State {
        var controllers: [String: any RunnableController] = [:]
        var leading = false
        var running = false
        var metricsURL: String?
        var healthURL: String?
        var bound: [(String, Int)] = []
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let controllerTasks = TaskSet()

    public init(client: KubeClient, configuration: Configuration = .init(), metrics: MetricsRegistry = MetricsRegistry(),
                resyncPeriod: Duration? = nil, logger: Logger = Logger(label: "kratix.manager")) {
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.informers = SharedInformers(client: client, resyncPeriod: resyncPeriod, logger: logger)
        self.elector = configuration.leaderElection.map { LeaderElector(client: client, configuration: $0, logger: logger) }
    }

    /// The URL of `/metrics` once bound.
    public var metricsURL: String? { state.withLock { $0.metricsURL } }
    /// The base URL of `/healthz` and `/readyz` once bound.
    public var healthURL: String? { state.withLock { $0.healthURL } }
    /// True while this process leads (always, without leader election, once running).
    public var isLeading: Bool { state.withLock { $0.leading } }

    /// Every informer has listed once (a standby is ready too: it can take over at once).
    public var isReady: Bool { state.withLock { $0.running } && informers.allSynced }

    /// A controller of bare keys built with the manager's client, metrics and logger.
    public func makeController(name: String, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(),
                               recorder: EventRecorder? = nil,
                               reconcile: @escaping Controller<ObjectKey>.Reconcile) -> Controller<ObjectKey> {
        Controller(name: name, workers: workers, rateLimiter: rateLimiter, client: client, recorder: recorder, logger: logger,
                   metricsFactory: metrics.factory, reconcile: reconcile)
    }

    /// A controller of `R` read from `store`, built with the manager's client, metrics and logger.
    public func makeController<R: KubeResource>(_ type: R.Type, name: String, store: Store<R>, workers: Int = 1,
                                                rateLimiter: RateLimiter<ObjectKey> = .init(), recorder: EventRecorder? = nil,
                                                reconcile: @escaping Controller<R>.Reconcile) -> Controller<R> {
        Controller(name: name, store: store, workers: workers, rateLimiter: rateLimiter, client: client, recorder: recorder,
                   logger: logger, metricsFactory: metrics.factory, reconcile: reconcile)
    }

    /// A controller of untyped objects read from `cache`, built with the manager's client, metrics and logger.
    public func makeController(name: String, cache: ObjectCache, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(),
                               recorder: EventRecorder? = nil,
                               reconcile: @escaping Controller<KubeObject>.Reconcile) -> Controller<KubeObject> {
        Controller(name: name, cache: cache, workers: workers, rateLimiter: rateLimiter, client: client, recorder: recorder,
                   logger: logger, metricsFactory: metrics.factory, reconcile: reconcile)
    }

    /// Adds a controller; it runs while this process leads (at once if it already does).
    public func add(_ controller: any RunnableController) async {
        let leading = state.withLock { state -> Bool in
            state.controllers[controller.name] = controller
            return state.leading
        }
        if leading { await controllerTasks.start(controller.name) { await controller.run() } }
    }

    /// Stops and removes a controller (a Promise's API went away).
    public func remove(controller name: String) async {
        _ = state.withLock { $0.controllers.removeValue(forKey: name) }
        await controllerTasks.stop(name)
    }

    public func controller(named name: String) -> (any RunnableController)? { state.withLock { $0.controllers[name] } }

    public func run() async throws {
        // Read-your-writes: what the controllers write reaches their caches before the write returns.
        let informers = self.informers
        let observer = client.writeObservers.add { resource, object in await informers.applyWritten(resource, object) }
        defer { client.writeObservers.remove(observer) }
        let probes = try await bindProbes()
        state.withLock { $0.running = true }
        defer { state.withLock { $0.running = false; $0.leading = false } }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { await self.informers.tasks.run(); return false }
            for probe in probes { group.addTask { try await probe.run(); return false } }
            group.addTask { try await self.lead(); return true }
            defer { group.cancelAll() }
            // Wait for `lead()` itself (true), which ends on shutdown after releasing the lease; the
            // informers may finish first on the same signal, and cancelling then would cut the
            // release short. An error from any part ends the manager at once.
            while let leadFinished = try await group.next(), !leadFinished {}
        }
        logger.info("manager stopped")
    }

    private func lead() async throws {
        if let elector {
            do {
                try await cancelWhenGracefulShutdown { try await elector.acquire() }
            } catch {
                return // shut down while standing by
            }
        }
        let controllers = state.withLock { state -> [any RunnableController] in
            state.leading = true
            return Array(state.controllers.values)
        }
        for controller in controllers { await controllerTasks.start(controller.name) { await controller.run() } }
        let timeout = configuration.gracefulShutdownTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.controllerTasks.run() }
            if let elector { group.addTask { try await elector.hold() } }
            group.addTask {
                // Controllers drain on the graceful-shutdown signal themselves; wait for them,
                // at most `timeout`, then stop everything.
                try await gracefulShutdown()
                try await withThrowingTaskGroup(of: Void.self) { wait in
                    wait.addTask { await self.controllerTasks.waitUntilIdle() }
                    wait.addTask { try await Task.sleep(for: timeout) }
                    defer { wait.cancelAll() }
                    try await wait.next()
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
        state.withLock { $0.leading = false }
        // A graceful shutdown hands the lease over at once. The release runs in a task of its own so
        // that cancellation arriving meanwhile (the service group winding down) cannot cut it short;
        // a cancelled manager, like a killed process, releases nothing and the lease expires.
        if let elector, !Task.isCancelled {
            await Task { await elector.release() }.value
        }
    }

    private func bindProbes() async throws -> [ProbeServer.Bound] {
        let health: ProbeServer.Route = { .text(200, "ok") }
        let ready: ProbeServer.Route = { [self] in
            isReady ? .text(200, "ok") : .text(500, "[-]informers not synced\nreadyz check failed\n")
        }
        let metricsRoute: ProbeServer.Route = { [metrics] in
            ProbeServer.Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        }
        let metricsAddress = configuration.metricsBindAddress.flatMap(ProbeServer.parseAddress)
        let healthAddress = configuration.healthProbeBindAddress.flatMap(ProbeServer.parseAddress)
        var servers: [ProbeServer.Bound] = []
        if let m = metricsAddress, let h = healthAddress, m == h, m.port != 0 {
            let bound = try await ProbeServer(routes: ["/metrics": metricsRoute, "/healthz": health, "/readyz": ready]).bind(host: m.host, port: m.port)
            servers.append(bound)
            state.withLock { $0.metricsURL = bound.url + "/metrics"; $0.healthURL = bound.url }
            return servers
        }
        if let m = metricsAddress {
            let bound = try await ProbeServer(routes: ["/metrics": metricsRoute]).bind(host: m.host, port: m.port)
            servers.append(bound)
            state.withLock { $0.metricsURL = bound.url + "/metrics" }
        }
        if let h = healthAddress {
            let bound = try await ProbeServer(routes: ["/healthz": health, "/readyz": ready]).bind(host: h.host, port: h.port)
            servers.append(bound)
            state.withLock { $0.healthURL = bound.url }
        }
        for server in servers { logger.info("serving probes", metadata: ["url": "\(server.url)"]) }
        return servers
    }
}
