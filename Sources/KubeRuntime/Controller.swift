import Foundation
import KubeClient
import KubeModel
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// What a ``Manager`` runs: any controller, whatever it reconciles.
public protocol RunnableController: AnyObject, Sendable {
    var name: String { get }
    func run() async
}

/// A reconcile loop: triggers put keys on a `WorkQueue`, `workers` tasks take them and call the
/// reconcile function, and its outcome decides whether and when the key comes back. Errors are
/// logged with context and retried with the queue's backoff. A controller can be started and
/// stopped while the process runs (each Promise brings its own).
///
/// `Object` is what the reconcile is handed for a key, after kube-rs' `Controller`: the object
/// itself, read from its informer's cache (``Store`` for typed models, ``ObjectCache`` for
/// untyped ones), so a reconcile starts without an API request. A key whose object is not in the
/// cache (it was deleted, and its finalizers are gone) is not reconciled. `Controller<ObjectKey>`
/// hands over the bare key, for controllers that read what they need themselves.
public final class Controller<Object: Sendable>: RunnableController, Sendable {
    public typealias Reconcile = @Sendable (Object, ReconcileContext) async throws -> ReconcileAction
    /// The reconcile's object for a key; nil when there is none (nothing to do).
    public typealias Resolve = @Sendable (ObjectKey) throws -> Object?

    public let name: String
    public let workers: Int
    public let queue: WorkQueue<ObjectKey>
    private let resolve: Resolve
    private let reconcile: Reconcile
    private let client: KubeClient?
    private let recorder: EventRecorder?
    private let logger: Logger
    private let metrics: ControllerMetrics
    private let subscriptions = Mutex<[(Informer, Informer.SubscriptionID)]>([])
    private let watches = Mutex<[(Informer, Trigger, EventFilter)]>([])

    /// - Parameters:
    ///   - client: handed to the reconcile in its context (for writes, and reads that must be fresh).
    ///   - recorder: handed to the reconcile in its context, for events.
    ///   - queue: a queue made beforehand, for a reconciler that adds to it itself; nil makes one.
    public init(name: String, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(), queue: WorkQueue<ObjectKey>? = nil,
                client: KubeClient? = nil, recorder: EventRecorder? = nil,
                logger: Logger = Logger(label: "kratix.controller"), metricsFactory: (any MetricsFactory)? = nil,
                resolve: @escaping Resolve, reconcile: @escaping Reconcile) {
        self.name = name
        self.workers = max(1, workers)
        self.queue = queue ?? WorkQueue(name: name, rateLimiter: rateLimiter, metricsFactory: metricsFactory)
        self.resolve = resolve
        self.reconcile = reconcile
        self.client = client
        self.recorder = recorder
        var logger = logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        self.metrics = ControllerMetrics(name: name, factory: metricsFactory ?? MetricsSystem.factory)
        metrics.maxConcurrent.record(self.workers)
    }

    /// Enqueues keys for events of `informer` that pass `filter`. Call before `run()` (watches added
    /// later start delivering at once).
    public func watch(_ informer: Informer, trigger: Trigger = .primary, filter: EventFilter = .all) async {
        watches.withLock { $0.append((informer, trigger, filter)) }
        let queue = self.queue
        let id = await informer.subscribe { event in
            guard filter.accepts(event) else { return }
            for key in trigger.keys(event.object) { await queue.add(key) }
            if case .updated(let old, let new) = event {
                // An object that moved away from an owner or mapping must still wake the old one.
                for key in trigger.keys(old) where !trigger.keys(new).contains(key) { await queue.add(key) }
            }
        }
        subscriptions.withLock { $0.append((informer, id)) }
    }

    /// Enqueues a key by hand (for example from another controller).
    public func enqueue(_ key: ObjectKey, after delay: Duration? = nil) async {
        if let delay { await queue.add(key, after: delay) } else { await queue.add(key) }
    }

    /// Runs the workers until the task is cancelled or a graceful shutdown is signalled; in-flight
    /// reconciles finish (graceful) before it returns.
    public func run() async {
        logger.info("starting \(workers) worker(s)")
        let queue = self.queue
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<workers {
                        group.addTask { await self.work() }
                    }
                }
            } onCancel: {
                Task { await queue.shutDown() }
            }
        } onGracefulShutdown: {
            Task { await queue.shutDownWithDrain() }
        }
        for (informer, id) in subscriptions.withLock({ s in defer { s = [] }; return s }) { informer.unsubscribe(id) }
        logger.info("stopped")
    }

    private func work() async {
        while let key = await queue.next() {
            await process(key)
            await queue.done(key)
        }
    }

    private func process(_ key: ObjectKey) async {
        let reconcileID = UUID().uuidString.lowercased()
        var logger = self.logger
        if let namespace = key.namespace { logger[metadataKey: "namespace"] = "\(namespace)" }
        logger[metadataKey: "name"] = "\(key.name)"
        logger[metadataKey: "reconcileID"] = "\(reconcileID)"
        var context = ReconcileContext(controller: name, key: key, reconcileID: reconcileID, logger: logger,
                                       retries: await queue.requeues(key))
        context.client = client
        context.recorder = recorder
        metrics.activeWorkers.increment()
        let start = ContinuousClock.now
        defer {
            metrics.activeWorkers.decrement()
            metrics.reconcileTime.recordInterval(since: start, now: .now)
        }
        do {
            guard let object = try resolve(key) else {
                metrics.success.increment()
                await queue.forget(key)
                return
            }
            let action = try await reconcile(object, context)
            switch action {
            case .done:
                metrics.success.increment()
                await queue.forget(key)
            case .requeue:
                metrics.requeue.increment()
                await queue.addRateLimited(key)
            case .requeueAfter(let delay):
                metrics.requeueAfter.increment()
                await queue.forget(key)
                await queue.add(key, after: delay)
            }
        } catch is CancellationError {
            metrics.failure.increment()
        } catch let error as any ConflictIndicating where error.isConflict {
            metrics.failure.increment()
            metrics.errors.increment()
            logger.debug("reconcile met a conflict; retrying on fresh data: \(error)")
            await queue.addRateLimited(key)
        } catch {
            metrics.failure.increment()
            metrics.errors.increment()
            // A write cut short because the controller is stopping is not a failure worth an ERROR.
            logger.log(level: Task.isCancelled ? .debug : .error, "reconcile failed: \(error)")
            await queue.addRateLimited(key)
        }
    }
}

extension Controller where Object == ObjectKey {
    /// A controller whose reconcile gets the bare key.
    public convenience init(name: String, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(),
                            client: KubeClient? = nil, recorder: EventRecorder? = nil,
                            logger: Logger = Logger(label: "kratix.controller"), metricsFactory: (any MetricsFactory)? = nil,
                            reconcile: @escaping Reconcile) {
        self.init(name: name, workers: workers, rateLimiter: rateLimiter, client: client, recorder: recorder, logger: logger,
                  metricsFactory: metricsFactory, resolve: { $0 }, reconcile: reconcile)
    }
}

extension Controller where Object == KubeObject {
    /// A controller whose reconcile gets the object from `cache` as it is stored.
    public convenience init(name: String, cache: ObjectCache, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(),
                            queue: WorkQueue<ObjectKey>? = nil, client: KubeClient? = nil, recorder: EventRecorder? = nil,
                            logger: Logger = Logger(label: "kratix.controller"), metricsFactory: (any MetricsFactory)? = nil,
                            reconcile: @escaping Reconcile) {
        self.init(name: name, workers: workers, rateLimiter: rateLimiter, queue: queue, client: client, recorder: recorder, logger: logger,
                  metricsFactory: metricsFactory, resolve: { cache.get($0) }, reconcile: reconcile)
    }
}

extension Controller where Object: KubeResource {
    /// A controller whose reconcile gets the object from `store`, decoded. An object that does not
    /// decode fails its reconcile with the field named (and is retried with backoff: a fix to
    /// the object, or to this build, lets it through).
    public convenience init(name: String, store: Store<Object>, workers: Int = 1, rateLimiter: RateLimiter<ObjectKey> = .init(),
                            client: KubeClient? = nil, recorder: EventRecorder? = nil,
                            logger: Logger = Logger(label: "kratix.controller"), metricsFactory: (any MetricsFactory)? = nil,
                            reconcile: @escaping Reconcile) {
        self.init(name: name, workers: workers, rateLimiter: rateLimiter, client: client, recorder: recorder, logger: logger,
                  metricsFactory: metricsFactory, resolve: { key in try store.get(key) }, reconcile: reconcile)
    }
}

/// The controller's metrics under controller-runtime's names.
struct ControllerMetrics: Sendable {
    let name: String
    let factory: any MetricsFactory
    let errors: Counter
    let reconcileTime: Timer
    let activeWorkers: Meter
    let maxConcurrent: Gauge
    let success: Counter
    let failure: Counter
    let requeue: Counter
    let requeueAfter: Counter

    init(name: String, factory: any MetricsFactory) {
        self.name = name
        self.factory = factory
        errors = Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", name)], factory: factory)
        reconcileTime = Timer(label: "controller_runtime_reconcile_time_seconds", dimensions: [("controller", name)], factory: factory)
        activeWorkers = Meter(label: "controller_runtime_active_workers", dimensions: [("controller", name)], factory: factory)
        maxConcurrent = Gauge(label: "controller_runtime_max_concurrent_reconciles", dimensions: [("controller", name)], factory: factory)
        func total(_ result: String) -> Counter {
            Counter(label: "controller_runtime_reconcile_total", dimensions: [("controller", name), ("result", result)], factory: factory)
        }
        success = total("success")
        failure = total("error")
        requeue = total("requeue")
        requeueAfter = total("requeue_after")
    }
}
