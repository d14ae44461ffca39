import HTTPServing
import KubeClient
import KubeModel
import NIOSSL
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
        /// `/metrics` over HTTPS (a self-signed certificate made at start, as controller-runtime
        /// makes one without a certificate directory) for callers whose token may `get` it
        /// (``MetricsAuthorization``); plain HTTP for anyone otherwise.
        public var secureMetrics: Bool

        public init(metricsBindAddress: String? = ":8080", healthProbeBindAddress: String? = ":8081",
                    leaderElection: LeaderElector.Configuration? = nil, gracefulShutdownTimeout: Duration = .seconds(30),
                    secureMetrics: Bool = false) {
            self.metricsBindAddress = metricsBindAddress
            self.healthProbeBindAddress = healthProbeBindAddress
            self.leaderElection = leaderElection
            self.gracefulShutdownTimeout = gracefulShutdownTimeout
            self.secureMetrics = secureMetrics
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
        var readinessChecks: [(name: String, check: @Sendable () -> Bool)] = []
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

    /// Adds a named check `/readyz` runs after its own (`readyz`: informers synced), as
    /// controller-runtime's `AddReadyzCheck`: the manager is ready only once every check passes, so
    /// a Service sends no traffic to a replica whose webhook server has not started.
    public func addReadinessCheck(_ name: String, _ check: @escaping @Sendable () -> Bool) {
        state.withLock { $0.readinessChecks.append((name, check)) }
    }

    /// `/readyz` as controller-runtime answers it: `ok`, or one line per check and 500.
    func readinessResponse() -> ProbeServer.Response {
        let checks = [("readyz", { @Sendable [self] in isReady })] + state.withLock { $0.readinessChecks.map { ($0.name, $0.check) } }
        var lines: [String] = []
        var failed = false
        for (name, check) in checks {
            if check() {
                lines.append("[+]\(name) ok")
            } else {
                lines.append("[-]\(name) failed: reason withheld")
                failed = true
            }
        }
        if failed { return .text(500, lines.joined(separator: "\n") + "\nreadyz check failed\n") }
        return .text(200, "ok")
    }

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

    /// The secure metrics endpoint's certificate: self-signed, in memory, for a year, as
    /// controller-runtime's metrics server makes one when given no certificate directory.
    static func selfSignedContext() throws -> NIOSSLContext {
        let authority = try SelfSignedCertificates.authority(commonName: "kratix-metrics-ca", validity: 365 * 86400)
        let serving = try SelfSignedCertificates.serving(commonName: "kratix-metrics", hosts: ["localhost", "127.0.0.1"],
                                                         authority: authority, validity: 365 * 86400)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(serving.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.privateKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: tls)
    }

    private func bindProbes() async throws -> [ProbeServer.Bound] {
        let health: ProbeServer.Route = { .text(200, "ok") }
        let ready: ProbeServer.Route = { [self] in readinessResponse() }
        let metricsRoute: ProbeServer.Route = { [metrics] in
            ProbeServer.Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        }
        let metricsAddress = configuration.metricsBindAddress.flatMap(ProbeServer.parseAddress)
        let healthAddress = configuration.healthProbeBindAddress.flatMap(ProbeServer.parseAddress)
        var servers: [ProbeServer.Bound] = []
        var tls: NIOSSLContext?
        var filter: ProbeServer.Filter?
        if configuration.secureMetrics, metricsAddress != nil {
            tls = try Self.selfSignedContext()
            let authorization = MetricsAuthorization(client: client, logger: logger)
            filter = { request in await authorization.check(request) }
        }
        if let m = metricsAddress, let h = healthAddress, m == h, m.port != 0 {
            let bound = try await ProbeServer(routes: ["/metrics": metricsRoute, "/healthz": health, "/readyz": ready],
                                              filter: filter, filteredPaths: ["/metrics"]).bind(host: m.host, port: m.port, tls: tls)
            servers.append(bound)
            state.withLock { $0.metricsURL = bound.url + "/metrics"; $0.healthURL = bound.url }
            return servers
        }
        if let m = metricsAddress {
            let bound = try await ProbeServer(routes: ["/metrics": metricsRoute], filter: filter, filteredPaths: ["/metrics"])
                .bind(host: m.host, port: m.port, tls: tls)
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
