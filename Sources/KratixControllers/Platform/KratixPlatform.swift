import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging
import Synchronization

/// Every Kratix controller, wired to one `Manager`: the shared informers they watch, the triggers
/// between kinds (a Job wakes its Promise or request, a Destination wakes every Work), and the
/// per-Promise resource-request controllers started and stopped as Promises come and go.
public final class KratixPlatform: ResourceControllers, Sendable {
    /// How many reconciles each controller runs at once, and the costs the bench's upstream-like
    /// mode puts back (docs/PERFORMANCE.md).
    public struct Tuning: Sendable {
        /// Reconciles running at once per controller (upstream runs one; independent objects do
        /// not need to wait for each other).
        public var workers: Int
        /// WorkPlacement reconciles at once: each waits on its state store, where the writer
        /// commits every placement waiting at that moment together.
        public var workPlacementWorkers: Int
        /// Held after starting each pipeline (upstream: 1.1 s; see ``WorkflowEngine/pauseAfterStart``).
        public var pauseAfterStart: Duration

        /// Reconciles at once per controller by default. More workers overlap more of the waits for the
        /// API server's answers, but also run reconciles for intermediate states that fewer
        /// workers would have coalesced (4 workers: 5.85 reconciles per pipeline request instead
        /// of 4.9, and fewer requests per second on two cores).
        public static let defaultWorkers = 2

        public init(workers: Int = defaultWorkers, workPlacementWorkers: Int = 8, pauseAfterStart: Duration = .zero) {
            self.workers = max(1, workers)
            self.workPlacementWorkers = max(1, workPlacementWorkers)
            self.pauseAfterStart = pauseAfterStart
        }
    }

    public let manager: Manager
    public let configuration: KratixConfiguration
    public let events: EventRecorder
    public let registry: StateStoreRegistry
    public let tuning: Tuning
    /// Reconciles running at once per controller.
    public var workers: Int { tuning.workers }
    /// Reads of every controller: the informer caches (controller-runtime's cached client).
    public let reader: CachedReader
    let engine: WorkflowEngine
    /// The API each running resource controller serves: stopping the controller stops its informer
    /// too (a deleted Promise's CRD would otherwise be watched, and warned about, forever).
    private let servedResources = Mutex<[String: GroupVersionResource]>([:])
    let writerFactory: any StateStoreWriterFactory
    let logger: Logger

    public convenience init(manager: Manager, configuration: KratixConfiguration, workers: Int = Tuning.defaultWorkers,
                            writerFactory: any StateStoreWriterFactory = DefaultStateStoreWriterFactory(),
                            logger: Logger = Logger(label: "kratix.platform")) {
        self.init(manager: manager, configuration: configuration, tuning: Tuning(workers: workers), writerFactory: writerFactory, logger: logger)
    }

    public init(manager: Manager, configuration: KratixConfiguration, tuning: Tuning,
                writerFactory: any StateStoreWriterFactory = DefaultStateStoreWriterFactory(),
                logger: Logger = Logger(label: "kratix.platform")) {
        self.manager = manager
        self.writerFactory = writerFactory
        self.configuration = configuration
        self.tuning = tuning
        self.logger = logger
        // Queued: a reconcile does not wait for its Events (a request's first pass records four).
        // Repeats (`ReconcileStarted` comes with every pass) update their count at most once a minute.
        self.events = EventRecorder(client: manager.client, component: "kratix-platform-controller",
                                    delivery: .queued(capacity: 4096, writers: 4), seriesInterval: .seconds(60))
        self.registry = StateStoreRegistry()
        self.reader = CachedReader(client: manager.client)
        self.engine = WorkflowEngine(client: manager.client, events: events, logger: logger, pauseAfterStart: tuning.pauseAfterStart,
                                     reader: reader)
    }

    static let managedJobs = "\(KratixLabels.managedBy)=\(KratixLabels.managedByValue)"
    /// The Secrets the manager watches: all, or under `selectiveCache` those labelled part-of=kratix.
    static func secretsSelector(_ configuration: KratixConfiguration) -> String? {
        configuration.selectiveCache ? "app.kubernetes.io/part-of=kratix" : nil
    }
    /// The objects pipelines need besides their Job all carry this label (§4).
    static let promiseObjects = KratixLabels.promiseName

    /// An informer whose cache the controllers read through ``reader``.
    private func informer(_ resource: GroupVersionResource, labelSelector: String? = nil) async -> Informer {
        let informer = await manager.informers.informer(for: resource, labelSelector: labelSelector)
        reader.register(resource, informer)
        return informer
    }

    /// Creates the informers and the fixed controllers.
    public func register() async {
        let promises = await informer(Promise.groupVersionResource)
        let works = await informer(Work.groupVersionResource)
        let placements = await informer(WorkPlacement.groupVersionResource)
        let destinations = await informer(Destination.groupVersionResource)
        let gitStores = await informer(GitStateStore.groupVersionResource)
        let bucketStores = await informer(BucketStateStore.groupVersionResource)
        let jobs = await informer(.jobs, labelSelector: Self.managedJobs)
        _ = await informer(.customResourceDefinitions)
        for resource in [GroupVersionResource.serviceAccounts, .configMaps, .roles, .roleBindings, .clusterRoles, .clusterRoleBindings] {
            _ = await informer(resource, labelSelector: Self.promiseObjects)
        }
        // The lookups of the hot path by label, without a scan.
        for label in [KratixLabels.promiseName, KratixLabels.resourceName] {
            works.cache.addLabelIndex(label)
            jobs.cache.addLabelIndex(label)
        }
        placements.cache.addLabelIndex(KratixLabels.work)
        placements.cache.addLabelIndex(KratixLabels.targetDestinationName)

        // Promise (§7.1).
        let promiseReconciler = PromiseReconciler(client: manager.client, engine: engine, events: events, configuration: configuration,
                                                  resourceControllers: self, reader: reader)
        let promise = manager.makeController(name: "promise", cache: promises.cache, workers: workers) { object, _ in
            try await promiseReconciler.reconcile(object)
        }
        // Every change: the Promise controller still makes one write per pass and continues on its event.
        await promise.watch(promises, filter: .resourceVersionChanged)
        await promise.watch(promises, trigger: .map { changed in
            // Promises that require the changed one re-check their requirements.
            promises.cache.list().filter { candidate in
                (candidate.json["spec"]?["requiredPromises"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == changed.name }
            }.map { ObjectKey($0) }
        }, filter: .onUpdate { Self.servingState($0) != Self.servingState($1) })
        await promise.watch(jobs, trigger: .map { job in
            guard job.labels[KratixLabels.workflowType] == "promise", let name = job.labels[KratixLabels.promiseName] else { return [] }
            return [ObjectKey(name: name)]
        }, filter: .jobFinishedOrGone)
        await promise.watch(works, trigger: .map { work in
            guard work.labels[KratixLabels.workType] == "promise", let name = work.labels[KratixLabels.promiseName] else { return [] }
            return [ObjectKey(name: name)]
        }, filter: .workReadinessChanged)

        // Scheduling and state stores.
        let workReconciler = WorkReconciler(client: manager.client, events: events, reader: reader)
        let work = manager.makeController(Work.self, name: "work", store: Store(works), workers: workers) { work, _ in
            try await workReconciler.reconcile(work)
        }
        await work.watch(works, filter: .specOrLifecycleChanged)
        // A placement matters to its Work when it goes, or when its write starts or stops failing.
        await work.watch(placements, trigger: .owner(kind: Work.apiKind, group: KratixGroup.group), filter: .placementFailureChanged)
        await work.watch(destinations, trigger: .map { _ in works.cache.keys }, filter: .any([.labelsChanged, .generationChanged]))

        let placementReconciler = WorkPlacementReconciler(client: manager.client, events: events, registry: registry,
                                                          stateStoreReconciliationInterval: configuration.stateStoreReconciliationInterval,
                                                          reader: reader)
        let placement = manager.makeController(WorkPlacement.self, name: "workplacement", store: Store(placements),
                                               workers: tuning.workPlacementWorkers) { placement, _ in
            try await placementReconciler.reconcile(placement)
        }
        await placement.watch(placements, filter: .specOrLifecycleChanged)
        await placement.watch(destinations, trigger: .map { destination in
            placements.cache.list(labels: [KratixLabels.targetDestinationName: destination.name ?? ""]).map { ObjectKey($0) }
        }, filter: .any([.specOrLifecycleChanged, .readyChanged]))
        // A store that becomes ready releases the placements waiting for it.
        let allPlacements = Trigger.map { _ in placements.cache.keys }
        await placement.watch(gitStores, trigger: allPlacements, filter: .any([.generationChanged, .readyChanged]))
        await placement.watch(bucketStores, trigger: allPlacements, filter: .any([.generationChanged, .readyChanged]))

        let destinationReconciler = DestinationReconciler(client: manager.client, events: events, registry: registry, reader: reader)
        let destination = manager.makeController(Destination.self, name: "destination", store: Store(destinations), workers: workers) {
            destination, _ in try await destinationReconciler.reconcile(destination)
        }
        await destination.watch(destinations, filter: .specOrLifecycleChanged)
        // A Destination being deleted with `cleanup: all` waits for its placements to go.
        await destination.watch(placements, trigger: .map { placement in
            placement.labels[KratixLabels.targetDestinationName].map { [ObjectKey(name: $0)] } ?? []
        }, filter: .on(added: false, deleted: true) { _, _ in false })
        let allDestinations = Trigger.map { _ in destinations.cache.keys }
        await destination.watch(gitStores, trigger: allDestinations, filter: .any([.generationChanged, .readyChanged]))
        await destination.watch(bucketStores, trigger: allDestinations, filter: .any([.generationChanged, .readyChanged]))

        let gitReconciler = StateStoreReconciler<GitStateStore>(client: manager.client, events: events, registry: registry, factory: writerFactory)
        let git = controller("gitstatestore") { key in try await gitReconciler.reconcile(key) }
        await git.watch(gitStores, filter: .specOrLifecycleChanged)
        let bucketReconciler = StateStoreReconciler<BucketStateStore>(client: manager.client, events: events, registry: registry, factory: writerFactory)
        let bucket = controller("bucketstatestore") { key in try await bucketReconciler.reconcile(key) }
        await bucket.watch(bucketStores, filter: .specOrLifecycleChanged)
        // A store re-checks when its Secret appears, changes or goes (§6.1): a missing Secret has
        // no timed retry, and a deleted one must turn a Ready store NotReady.
        // `selectiveCache` (as upstream): only Secrets labelled part-of=kratix are watched, to
        // keep memory down on clusters with many Secrets. Stores still read any Secret they name.
        let secrets = await manager.informers.informer(for: .secrets, labelSelector: Self.secretsSelector(configuration))
        await git.watch(secrets, trigger: .map { secret in Self.stores(gitStores.cache.list(), referencing: secret) })
        await bucket.watch(secrets, trigger: .map { secret in Self.stores(bucketStores.cache.list(), referencing: secret) })

        let healthReconciler = HealthRecordReconciler(client: manager.client, events: events)
        let health = controller("healthrecord") { key in try await healthReconciler.reconcile(key) }
        await health.watch(await manager.informers.informer(for: HealthRecord.groupVersionResource))

        // PromiseRevisions (revisions spec §1.4): one latest per Promise. A Promise whose
        // requirements name a version re-checks them when a revision of the required one changes.
        let revisions = await informer(PromiseRevision.groupVersionResource)
        let revisionReconciler = PromiseRevisionReconciler(client: manager.client, reader: reader)
        let revision = controller("promiserevision") { key in try await revisionReconciler.reconcile(key) }
        await revision.watch(revisions)
        // Its own Promise waits for a new revision to be latest before its requests run again.
        await promise.watch(revisions, trigger: .map { changed in
            let required = changed.labels[KratixLabels.promiseName] ?? ""
            return [ObjectKey(namespace: nil, name: required)] + promises.cache.list().filter { candidate in
                (candidate.json["spec"]?["requiredPromises"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == required }
            }.map { ObjectKey($0) }
        })

        // ResourceBindings (revisions spec §1.8): a binding asking for another version starts the upgrade.
        let bindings = await informer(ResourceBinding.groupVersionResource)
        // Every request pass finds its binding by these labels: an index, not a scan of all bindings.
        bindings.cache.addLabelIndex(KratixLabels.resourceName)
        let bindingReconciler = ResourceBindingReconciler(client: manager.client, reader: reader)
        let binding = controller("resourcebinding") { key in try await bindingReconciler.reconcile(key) }
        // Its decisions read the binding's spec and labels; status-only writes (the request
        // controller's bookkeeping) need no pass. Nor does a new binding: it is either the request
        // controller's own, made as that request runs with its version, or made before its
        // request, which then runs with it; a new one asking for a manual reconciliation does.
        await binding.watch(bindings, filter: EventFilter { event in
            switch event {
            case .added(let new): new.labels[KratixLabels.manualReconciliation] == "true"
            case .deleted: false
            case .updated(let old, let new): EventFilter.specOrLifecycleChanged.accepts(.updated(old: old, new: new))
            }
        })

        let releaseReconciler = PromiseReleaseReconciler(client: manager.client, events: events)
        let release = controller("promiserelease") { key in try await releaseReconciler.reconcile(key) }
        await release.watch(await manager.informers.informer(for: PromiseRelease.groupVersionResource))

        var all: [any RunnableController] = [promise, work, placement, destination, git, bucket, health, release, revision, binding,
                                             EventDelivery(recorder: events)]
        // DryRuns (revisions spec §2), behind `featureFlags.dryRun`: without it they are accepted and ignored.
        if configuration.dryRunEnabled {
            let dryRunReconciler = DryRunReconciler(client: manager.client, reader: reader)
            let dryRun = controller(Self.dryRunControllerName) { key in try await dryRunReconciler.reconcile(key) }
            await dryRun.watch(await informer(DryRun.groupVersionResource), filter: .specOrLifecycleChanged)
            // A component DryRun's status moved: its parent updates `status.components` (§2.5).
            await dryRun.watch(await informer(DryRun.groupVersionResource), trigger: .map { child in
                guard let parent = child.labels[KratixLabels.dryRunParent] else { return [] }
                return [ObjectKey(namespace: child.namespace, name: parent)]
            }, filter: .on(added: false, deleted: true) { old, new in old.status != new.status })
            all.append(dryRun)
        }
        // Pods of finished workflow Jobs, removed after a TTL when one is configured (revisions spec §3).
        if let ttl = configuration.workflows.podTTLSecondsAfterFinished, ttl > 0 {
            let cleanup = WorkflowJobPodCleanup(client: manager.client, reader: reader, ttlSeconds: ttl)
            let podCleanup = controller("workflowjobpodcleanup") { key in try await cleanup.reconcile(key) }
            await podCleanup.watch(jobs, filter: WorkflowJobPodCleanup.filter)
            all.append(podCleanup)
        }
        for c in all { await manager.add(c) }
    }

    /// The stores whose `spec.secretRef` names `secret` (an empty namespace means `default`).
    static func stores(_ stores: [KubeObject], referencing secret: KubeObject) -> [ObjectKey] {
        stores.filter { store in
            guard let reference = store.json["spec"]?["secretRef"], reference["name"]?.stringValue == secret.name else { return false }
            let namespace = reference["namespace"]?.stringValue ?? ""
            return (namespace.isEmpty ? "default" : namespace) == secret.namespace
        }.map { ObjectKey($0) }
    }

    private func controller(_ name: String, reconcile: @escaping @Sendable (ObjectKey) async throws -> ReconcileAction) -> Controller<ObjectKey> {
        manager.makeController(name: name, workers: workers, recorder: events) { key, _ in try await reconcile(key) }
    }

    static func resourceControllerName(_ promise: String) -> String { "resource:\(promise)" }
    static let dryRunControllerName = "dryrun"

    // MARK: ResourceControllers (§7.6)

    public func start(promise: String, api: PromiseAPI) async {
        let name = Self.resourceControllerName(promise)
        guard manager.controller(named: name) == nil else { return }
        servedResources.withLock { $0[promise] = api.resource }
        let reconciler = ResourceRequestReconciler(promiseName: promise, api: api, client: manager.client, engine: engine,
                                                   events: events, configuration: configuration, reader: reader)
        let requests = await informer(api.resource)
        let controller = manager.makeController(name: name, cache: requests.cache, workers: workers, recorder: events) { request, _ in
            try await reconciler.reconcile(request)
        }
        // Status is written by this controller and the pipelines; neither needs another pass (a
        // pipeline's end arrives as its Job's), but for a pipeline the adapter failed for good.
        await controller.watch(requests, filter: .any([.specOrLifecycleChanged, .pipelineOutputRejected]))
        // The Promise's requirements or availability changed: its Pending requests are looked at now,
        // not at their next 60 s requeue.
        await controller.watch(await informer(Promise.groupVersionResource), trigger: .map { changed in
            changed.name == promise ? requests.cache.keys : []
        }, filter: .onUpdate { Self.servingState($0) != Self.servingState($1) })
        await controller.watch(await informer(.jobs, labelSelector: Self.managedJobs), trigger: .map { job in
            guard job.labels[KratixLabels.promiseName] == promise, job.labels[KratixLabels.workflowType] == "resource",
                  let resourceName = job.annotations[KratixAnnotations.jobResourceName] else { return [] }
            return [ObjectKey(namespace: job.annotations[KratixAnnotations.jobResourceNamespace], name: resourceName)]
        }, filter: .jobFinishedOrGone)
        await controller.watch(await informer(Work.groupVersionResource), trigger: .map { work in
            guard work.labels[KratixLabels.promiseName] == promise, let resourceName = work.labels[KratixLabels.resourceName],
                  work.labels["kratix.io/dry-run-summary"] == nil else { return [] }
            return [ObjectKey(namespace: work.labels[KratixLabels.resourceNamespace] ?? work.namespace, name: resourceName)]
        }, filter: .workReadinessChanged)
        // A binding deleted, or asking for another version, is acted on at once (a deleted one is
        // made again); bindings this controller creates need no second pass.
        await controller.watch(await informer(ResourceBinding.groupVersionResource), trigger: .map { binding in
            guard binding.labels[KratixLabels.promiseName] == promise,
                  let name = binding.spec?["resourceRef"]?["name"]?.stringValue else { return [] }
            return [ObjectKey(namespace: binding.spec?["resourceRef"]?["namespace"]?.stringValue ?? binding.namespace, name: name)]
        }, filter: .on(added: false, deleted: true) { old, new in old.generation != new.generation || old.labels != new.labels })
        // A revision that appears or becomes latest: requests that never found theirs look again
        // (rather than at their next backoff).
        await controller.watch(await informer(PromiseRevision.groupVersionResource), trigger: .map { revision in
            guard revision.labels[KratixLabels.promiseName] == promise else { return [] }
            return requests.cache.list().filter { ($0.status?["promiseVersion"]?.stringValue ?? "").isEmpty }.map { ObjectKey($0) }
        }, filter: .on(added: true, deleted: false) { old, new in old.status?["latest"] != new.status?["latest"] })
        // A DryRun's ephemeral request changed: its DryRun looks again (rather than at its next requeue).
        if let dryRuns = manager.controller(named: Self.dryRunControllerName) as? Controller<ObjectKey> {
            await dryRuns.watch(requests, trigger: .map { request in
                guard request.labels[KratixLabels.dryRun] == "true", let owner = request.labels[KratixLabels.dryRunOwner] else { return [] }
                return [ObjectKey(namespace: request.namespace, name: owner)]
            }, filter: .all)
        }
        await manager.add(controller)
        logger.info("started resource controller", metadata: ["promise": "\(promise)", "resource": "\(api.resource)"])
    }

    /// The conditions that decide whether a Promise serves requests.
    static func servingState(_ promise: KubeObject) -> [String] {
        (promise.status?["conditions"]?.arrayValue ?? []).filter {
            ["RequirementsFulfilled", "Available", "ConfigureWorkflowCompleted"].contains($0["type"]?.stringValue ?? "")
        }.map { "\($0["type"]?.stringValue ?? "")=\($0["status"]?.stringValue ?? "")" }.sorted()
    }

    public func stop(promise: String) async {
        let name = Self.resourceControllerName(promise)
        guard manager.controller(named: name) != nil else { return }
        await manager.remove(controller: name)
        if let resource = servedResources.withLock({ $0.removeValue(forKey: promise) }) {
            reader.unregister(resource)
            await manager.informers.remove(.init(resource))
        }
        logger.info("stopped resource controller", metadata: ["promise": "\(promise)"])
    }
}
