import KubeClient
import KubeModel
import Logging
import Synchronization

/// One informer per (resource, namespace, selectors), created on first use and started at once
/// (also while the process runs: a Promise's new API gets its informer without a restart).
public final class SharedInformers: Sendable {
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var resource: GroupVersionResource
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?

        public init(_ resource: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) {
            self.resource = resource
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
        }

        public var description: String {
            var s = "\(resource)"
            if let namespace { s += " in \(namespace)" }
            if let labelSelector { s += " labels=\(labelSelector)" }
            if let fieldSelector { s += " fields=\(fieldSelector)" }
            return s
        }
    }

    public let client: KubeClient
    public let tasks: TaskSet
    public let resyncPeriod: Duration?
    private let informers = Mutex<[Key: Informer]>([:])
    private let transform: ObjectCache.Transform
    private let logger: Logger

    public init(client: KubeClient, tasks: TaskSet = TaskSet(), resyncPeriod: Duration? = nil,
                transform: @escaping ObjectCache.Transform = ObjectCache.stripBulkyFields,
                logger: Logger = Logger(label: "kratix.informers")) {
        self.client = client
        self.tasks = tasks
        self.resyncPeriod = resyncPeriod
        self.transform = transform
        self.logger = logger
    }

    /// The informer for `key`, started if it is new.
    public func informer(for key: Key) async -> Informer {
        let (informer, created) = informers.withLock { map -> (Informer, Bool) in
            if let existing = map[key] { return (existing, false) }
            let informer = Informer(
                client: client, resource: key.resource,
                configuration: Watcher.Configuration(namespace: key.namespace, labelSelector: key.labelSelector, fieldSelector: key.fieldSelector),
                cache: ObjectCache(transform: transform), resyncPeriod: resyncPeriod, logger: logger)
            map[key] = informer
            return (informer, true)
        }
        if created {
            logger.debug("starting informer", metadata: ["informer": "\(key)"])
            await tasks.start("informer:\(key)") { await informer.run() }
        }
        return informer
    }

    public func informer(for resource: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil) async -> Informer {
        await informer(for: Key(resource, namespace: namespace, labelSelector: labelSelector))
    }

    /// The informers running (for tests and diagnostics).
    public var keys: [Key] { informers.withLock { Array($0.keys) } }

    /// Stops and forgets an informer (a Promise's API went away).
    public func remove(_ key: Key) async {
        let removed = informers.withLock { $0.removeValue(forKey: key) }
        if removed != nil { await tasks.stop("informer:\(key)") }
    }

    /// Takes an object this process wrote into every informer of its resource that selects it
    /// (see ``Informer/applyWritten(_:)``).
    public func applyWritten(_ resource: GroupVersionResource, _ object: KubeObject) async {
        let matching = informers.withLock { map in map.filter { $0.key.resource == resource }.map(\.value) }
        for informer in matching { await informer.applyWritten(object) }
    }

    /// Every informer has listed once.
    public var allSynced: Bool { informers.withLock { $0.values.allSatisfy(\.hasSynced) } }

    public var all: [Informer] { informers.withLock { Array($0.values) } }
}
