import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Every Kratix controller, wired to one `Manager`: the shared informers they watch, the triggers
/// between kinds (a Job wakes its Promise or request, a Destination wakes every Work), and the
/// per-Promise resource-request controllers started and stopped as Promises come and go.
public final class KratixPlatform: ResourceControllers, Sendable {
    public let manager: Manager
    public let configuration: KratixConfiguration
    public let events: EventRecorder
    public let registry: StateStoreRegistry
    /// Reconciles running at once per controller (upstream runs one; independent objects do not
    /// need to wait for each other).
    public let workers: Int
    let engine: WorkflowEngine
    let writerFactory: any StateStoreWriterFactory
    let logger: Logger

    public init(manager: Manager, configuration: KratixConfiguration, workers: Int = 2,
                writerFactory: any StateStoreWriterFactory = DefaultStateStoreWriterFactory(),
                logger: Logger = Logger(label: "kratix.platform")) {
        self.manager = manager
        self.writerFactory = writerFactory
        self.configuration = configuration
        self.workers = workers
        self.logger = logger
        self.events = EventRecorder(client: manager.client, component: "kratix-platform-controller")
        self.registry = StateStoreRegistry()
        self.engine = WorkflowEngine(client: manager.client, events: events, logger: logger)
    }

    static let managedJobs = "\(KratixLabels.managedBy)=\(KratixLabels.managedByValue)"

    /// Creates the informers and the fixed controllers.
    public func register() async {
        let client = manager.client
        let informers = manager.informers
        let promises = await informers.informer(for: Promise.groupVersionResource)
        let works = await informers.informer(for: Work.groupVersionResource)
        let placements = await informers.informer(for: WorkPlacement.groupVersionResource)
        let destinations = await informers.informer(for: Destination.groupVersionResource)
        let gitStores = await informers.informer(for: GitStateStore.groupVersionResource)
        let bucketStores = await informers.informer(for: BucketStateStore.groupVersionResource)
        let jobs = await informers.informer(for: .jobs, labelSelector: Self.managedJobs)

        // Promise (§7.1).
        let promiseReconciler = PromiseReconciler(client: client, engine: engine, events: events, configuration: configuration,
                                                  resourceControllers: self)
        let promise = controller("promise") { key in try await promiseReconciler.reconcile(key) }
        await promise.watch(promises, filter: .resourceVersionChanged)
        await promise.watch(promises, trigger: .map { changed in
            // Promises that require the changed one re-check their requirements.
            promises.cache.list().filter { candidate in
                (candidate.json["spec"]?["requiredPromises"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == changed.name }
            }.map { ObjectKey($0) }
        })
        await promise.watch(jobs, trigger: .map { job in
            guard job.labels[KratixLabels.workflowType] == "promise", let name = job.labels[KratixLabels.promiseName] else { return [] }
            return [ObjectKey(name: name)]
        })
        await promise.watch(works, trigger: .map { work in
            work.labels[KratixLabels.promiseName].map { [ObjectKey(name: $0)] } ?? []
        })

        // Scheduling and state stores.
        let workReconciler = WorkReconciler(client: client, events: events)
        let work = controller("work") { key in try await workReconciler.reconcile(key) }
        await work.watch(works)
        await work.watch(placements, trigger: .owner(kind: Work.apiKind, group: KratixGroup.group))
        await work.watch(destinations, trigger: .map { _ in works.cache.keys }, filter: .any([.labelsChanged, .generationChanged]))

        let placementReconciler = WorkPlacementReconciler(client: client, events: events, registry: registry,
                                                          stateStoreReconciliationInterval: configuration.stateStoreReconciliationInterval)
        let placement = controller("workplacement") { key in try await placementReconciler.reconcile(key) }
        await placement.watch(placements)
        await placement.watch(destinations, trigger: .map { destination in
            placements.cache.list().filter { $0.labels[KratixLabels.targetDestinationName] == destination.name }.map { ObjectKey($0) }
        })
        let allPlacements = Trigger.map { _ in placements.cache.keys }
        await placement.watch(gitStores, trigger: allPlacements, filter: .resourceVersionChanged)
        await placement.watch(bucketStores, trigger: allPlacements, filter: .resourceVersionChanged)

        let destinationReconciler = DestinationReconciler(client: client, events: events, registry: registry)
        let destination = controller("destination") { key in try await destinationReconciler.reconcile(key) }
        await destination.watch(destinations)
        let allDestinations = Trigger.map { _ in destinations.cache.keys }
        await destination.watch(gitStores, trigger: allDestinations, filter: .resourceVersionChanged)
        await destination.watch(bucketStores, trigger: allDestinations, filter: .resourceVersionChanged)

        let gitReconciler = StateStoreReconciler<GitStateStore>(client: client, events: events, registry: registry, factory: writerFactory)
        let git = controller("gitstatestore") { key in try await gitReconciler.reconcile(key) }
        await git.watch(gitStores)
        let bucketReconciler = StateStoreReconciler<BucketStateStore>(client: client, events: events, registry: registry, factory: writerFactory)
        let bucket = controller("bucketstatestore") { key in try await bucketReconciler.reconcile(key) }
        await bucket.watch(bucketStores)
        // A store re-checks when its Secret appears, changes or goes (§6.1): a missing Secret has
        // no timed retry, and a deleted one must turn a Ready store NotReady.
        let secrets = await informers.informer(for: .secrets)
        await git.watch(secrets, trigger: .map { secret in Self.stores(gitStores.cache.list(), referencing: secret) })
        await bucket.watch(secrets, trigger: .map { secret in Self.stores(bucketStores.cache.list(), referencing: secret) })

        let healthReconciler = HealthRecordReconciler(client: client, events: events)
        let health = controller("healthrecord") { key in try await healthReconciler.reconcile(key) }
        await health.watch(await informers.informer(for: HealthRecord.groupVersionResource))

        let releaseReconciler = PromiseReleaseReconciler(client: client, events: events)
        let release = controller("promiserelease") { key in try await releaseReconciler.reconcile(key) }
        await release.watch(await informers.informer(for: PromiseRelease.groupVersionResource))

        for c in [promise, work, placement, destination, git, bucket, health, release] { await manager.add(c) }
    }

    /// The stores whose `spec.secretRef` names `secret` (an empty namespace means `default`).
    static func stores(_ stores: [KubeObject], referencing secret: KubeObject) -> [ObjectKey] {
        stores.filter { store in
            guard let reference = store.json["spec"]?["secretRef"], reference["name"]?.stringValue == secret.name else { return false }
            let namespace = reference["namespace"]?.stringValue ?? ""
            return (namespace.isEmpty ? "default" : namespace) == secret.namespace
        }.map { ObjectKey($0) }
    }

    private func controller(_ name: String, reconcile: @escaping @Sendable (ObjectKey) async throws -> ReconcileAction) -> Controller {
        manager.makeController(name: name, workers: workers) { key, _ in try await reconcile(key) }
    }

    static func resourceControllerName(_ promise: String) -> String { "resource:\(promise)" }

    // MARK: ResourceControllers (§7.6)

    public func start(promise: String, api: PromiseAPI) async {
        let name = Self.resourceControllerName(promise)
        guard manager.controller(named: name) == nil else { return }
        let reconciler = ResourceRequestReconciler(promiseName: promise, api: api, client: manager.client, engine: engine,
                                                   events: events, configuration: configuration)
        let controller = controller(name) { key in try await reconciler.reconcile(key) }
        let informers = manager.informers
        let requests = await informers.informer(for: api.resource)
        await controller.watch(requests, filter: .resourceVersionChanged)
        // The Promise's requirements or availability changed: its Pending requests are looked at now,
        // not at their next 60 s requeue.
        await controller.watch(await informers.informer(for: Promise.groupVersionResource), trigger: .map { changed in
            changed.name == promise ? requests.cache.keys : []
        }, filter: .onUpdate { Self.servingState($0) != Self.servingState($1) })
        await controller.watch(await informers.informer(for: .jobs, labelSelector: Self.managedJobs), trigger: .map { job in
            guard job.labels[KratixLabels.promiseName] == promise, job.labels[KratixLabels.workflowType] == "resource",
                  let resourceName = job.annotations[KratixAnnotations.jobResourceName] else { return [] }
            return [ObjectKey(namespace: job.annotations[KratixAnnotations.jobResourceNamespace], name: resourceName)]
        })
        await controller.watch(await informers.informer(for: Work.groupVersionResource), trigger: .map { work in
            guard work.labels[KratixLabels.promiseName] == promise, let resourceName = work.labels[KratixLabels.resourceName],
                  work.labels["kratix.io/dry-run-summary"] == nil else { return [] }
            return [ObjectKey(namespace: work.labels[KratixLabels.resourceNamespace] ?? work.namespace, name: resourceName)]
        })
        await manager.add(controller)
        logger.info("started resource controller", metadata: ["promise": "\(promise)", "resource": "\(api.resource)"])
    }

    /// The conditions that decide whether a Promise serves requests.
    static func servingState(_ promise: KubeObject) -> [String] {
        (promise.status?["conditions"]?.arrayValue ?? []).filter {
            ["RequirementsFulfilled", "Available"].contains($0["type"]?.stringValue ?? "")
        }.map { "\($0["type"]?.stringValue ?? "")=\($0["status"]?.stringValue ?? "")" }.sorted()
    }

    public func stop(promise: String) async {
        let name = Self.resourceControllerName(promise)
        guard manager.controller(named: name) != nil else { return }
        await manager.remove(controller: name)
        logger.info("stopped resource controller", metadata: ["promise": "\(promise)"])
    }
}
