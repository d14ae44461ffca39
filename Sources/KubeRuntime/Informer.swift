import KubeClient
import KubeModel
import Logging
import Synchronization

/// One resource's watcher feeding one cache, shared by every controller that watches the resource
/// (so N controllers cost one watch and one copy of the objects). Subscribers see changes after the
/// cache does, in order, one at a time: a slow subscriber slows the informer instead of growing a
/// buffer.
public final class Informer: Sendable {
    public typealias Handler = @Sendable (InformerEvent) async -> Void

    public struct SubscriptionID: Hashable, Sendable { let raw: Int }

    public let resource: GroupVersionResource
    public let configuration: Watcher.Configuration
    public let cache: ObjectCache
    /// How often every cached object is delivered again as an update (`nil`: never).
    public let resyncPeriod: Duration?

    private struct State {
        var handlers: [Int: Handler] = [:]
        var nextID = 0
        var synced = false
        var syncWaiters: [CheckedContinuation<Void, Never>] = []
        var lastResourceVersion = ""
    }

    private let state = Mutex(State())
    private let client: KubeClient
    private let logger: Logger

    public init(client: KubeClient, resource: GroupVersionResource, configuration: Watcher.Configuration = .init(),
                cache: ObjectCache = ObjectCache(), resyncPeriod: Duration? = nil,
                logger: Logger = Logger(label: "kratix.informer")) {
        self.client = client
        self.resource = resource
        self.configuration = configuration
        self.cache = cache
        self.resyncPeriod = resyncPeriod
        var logger = logger
        logger[metadataKey: "resource"] = "\(resource)"
        self.logger = logger
    }

    /// True once the first complete list is in the cache.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The resourceVersion of the newest event applied to the cache.
    public var lastResourceVersion: String { state.withLock { $0.lastResourceVersion } }

    /// Returns once the first complete list is in the cache.
    public func waitForSync() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.synced { return true }
                state.syncWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Registers a handler. Objects already cached are delivered to it as `added`, as client-go does
    /// for a handler added to a running informer (an event for an object may overtake its `added`;
    /// handlers that enqueue keys do not mind).
    @discardableResult
    public func subscribe(_ handler: @escaping Handler) async -> SubscriptionID {
        let (id, existing) = state.withLock { state -> (Int, [KubeObject]) in
            let id = state.nextID
            state.nextID += 1
            state.handlers[id] = handler
            return (id, state.synced ? cache.list() : [])
        }
        for object in existing { await handler(.added(object)) }
        return SubscriptionID(raw: id)
    }

    public func unsubscribe(_ id: SubscriptionID) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id.raw) }
    }

    private func deliver(_ event: InformerEvent) async {
        let handlers = state.withLock { Array($0.handlers.values) }
        for handler in handlers { await handler(event) }
    }

    /// Runs until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            if let resyncPeriod {
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: resyncPeriod)
                        if Task.isCancelled || !hasSynced { continue }
                        for object in cache.list() { await deliver(.updated(old: object, new: object)) }
                    }
                }
            }
            await watchLoop()
            group.cancelAll()
        }
    }

    private func watchLoop() async {
        let watcher = Watcher(client: client, resource: resource, configuration: configuration, logger: logger)
        var relisted: [KubeObject] = []
        do {
            for try await event in watcher {
                switch event {
                case .initStarted:
                    relisted = []
                case .initApply(let object):
                    relisted.append(object)
                case .initDone(let rv):
                    let changes = cache.replace(with: relisted, listedAt: rv)
                    relisted = []
                    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                        state.lastResourceVersion = rv
                        let w = state.syncWaiters
                        state.syncWaiters = []
                        if !state.synced { state.synced = true }
                        return w
                    }
                    logger.debug("listed \(cache.count) objects", metadata: ["resourceVersion": "\(rv)"])
                    for change in changes {
                        switch change {
                        case .added(let o): await deliver(.added(o))
                        case .updated(let old, let new): await deliver(.updated(old: old, new: new))
                        case .deleted(let o): await deliver(.deleted(o))
                        }
                    }
                    for waiter in waiters { waiter.resume() }
                case .apply(let object):
                    setResourceVersion(object)
                    // Stale when this process's own write of the object reached the cache first.
                    guard case .applied(let old, let stored) = cache.applyIfNewer(object) else { continue }
                    if let old { await deliver(.updated(old: old, new: stored)) } else { await deliver(.added(stored)) }
                case .delete(let object):
                    let old = cache.delete(object)
                    setResourceVersion(object)
                    await deliver(.deleted(old ?? object))
                }
            }
        } catch {
            logger.error("informer stopped: \(error)")
        }
    }

    /// Takes an object this process just wrote (``KubeClient/writeObservers``) into the cache and
    /// tells the subscribers, as the watch would a moment later; the watch's own event for it then
    /// changes nothing. Objects outside this informer's namespace, label selector or field selector
    /// (`path=value` and `path!=value` terms) are left to the watch.
    public func applyWritten(_ object: KubeObject) async {
        guard hasSynced, object.resourceVersion.flatMap({ UInt64($0) }) != nil else { return }
        if let fields = configuration.fieldSelector, !Self.matches(fieldSelector: fields, object) { return }
        // A write that removed the last finalizer of an object being deleted deleted it: the watch
        // reports that.
        if object.deletionTimestamp != nil && object.finalizers.isEmpty { return }
        if let namespace = configuration.namespace, object.namespace != namespace { return }
        if let selector = configuration.labelSelector {
            guard let requirements = try? LabelRequirement.parse(selector) else { return }
            let labels = object.labels
            guard requirements.allSatisfy({ $0.matches(labels) }) else { return }
        }
        guard case .applied(let old, let stored) = cache.applyIfNewer(object) else { return }
        if let old { await deliver(.updated(old: old, new: stored)) } else { await deliver(.added(stored)) }
    }

    /// Whether `object` has the fields of a selector of `a.b=value` / `a.b!=value` terms (what
    /// field selectors are); false for anything else, so the watch decides.
    static func matches(fieldSelector: String, _ object: KubeObject) -> Bool {
        for term in fieldSelector.split(separator: ",") {
            let negated = term.contains("!=")
            let parts = term.components(separatedBy: negated ? "!=" : "=")
            guard parts.count == 2 else { return false }
            var value: JSONValue? = .object(object.json)
            for key in parts[0].split(separator: ".") { value = value?[String(key)] }
            let actual = value?.stringValue ?? ""
            if (actual == parts[1]) == negated { return false }
        }
        return true
    }

    private func setResourceVersion(_ object: KubeObject) {
        guard let rv = object.resourceVersion else { return }
        state.withLock { $0.lastResourceVersion = rv }
    }
}
