import DequeModule
import Foundation
import KubeModel

/// The cluster's state: the served resources and every stored object, with one global resourceVersion.
///
/// An actor because every request reads and writes it; each operation is short and synchronous
/// inside, so requests are applied one at a time in a total order, which is what gives
/// resourceVersions their meaning.
public actor ObjectStore {
    private var resources: [String: APIResource] = [:]  // by "group/plural"
    private var objects: [String: [String: JSONObject]] = [:]  // groupResource -> "ns/name" -> object
    private var revision: Int64 = 1
    private let clock: @Sendable () -> Date
    /// Recent changes, oldest first, for watches that resume from a resourceVersion.
    private var events = Deque<StoredEvent>()
    /// The newest revision no longer in `events`: a watch from before it gets 410 Gone.
    private var compactedRevision: Int64 = 0
    private let eventWindow: Int
    private var watchers: [UInt64: Watcher] = [:]
    private var nextWatcherID: UInt64 = 0
    private let journal: StorageJournal?
    /// Container output by "namespace/pod/container" (kept in memory, dropped with the pod).
    private var logs: [String: [UInt8]] = [:]
    /// Open `pods/log?follow=true` readers, by the same key.
    private var logFollowers: [String: [AsyncStream<[UInt8]>.Continuation]] = [:]
    /// Tokens issued through `serviceaccounts/token`, with their expiry.
    private var issuedTokens: [String: (subject: String, expires: ContinuousClock.Instant)] = [:]

    struct StoredEvent {
        var revision: Int64
        var groupResource: String
        var type: WatchEvent.EventType
        var object: JSONObject
        var previous: JSONObject?
    }

    struct Watcher {
        var groupResource: String
        var filter: WatchFilter
        var continuation: AsyncStream<WatchEvent>.Continuation
    }

    /// An in-memory store, or a durable one kept in `dataDirectory` (objects and resourceVersions
    /// survive restarts and crashes).
    /// - Parameter eventWindow: how many recent changes a watch can resume from before it gets 410 Gone.
    public init(dataDirectory: String? = nil, eventWindow: Int = 10_000, clock: @escaping @Sendable () -> Date = Date.init) throws {
        self.clock = clock
        self.eventWindow = eventWindow
        self.journal = try dataDirectory.map { try StorageJournal(directory: $0) }
        var resources: [String: APIResource] = [:]
        for resource in BuiltinResources.all { resources["\(resource.group)/\(resource.plural)"] = resource }
        var namespaces: [String: JSONObject] = [:]
        var revision: Int64 = 1
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let now = Timestamp.format(clock())
            revision += 1
            namespaces["/" + namespace] = [
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": [
                    "name": .string(namespace), "uid": .string(UUID().uuidString.lowercased()),
                    "creationTimestamp": .string(now), "resourceVersion": .string(String(revision)),
                    "labels": ["kubernetes.io/metadata.name": .string(namespace)],
                ],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
        }
        if let journal, case let (stored, storedRevision) = try journal.load(), storedRevision > 0 {
            // A durable store starts from what it kept, serving the CRDs stored in it.
            for crd in stored["customresourcedefinitions.apiextensions.k8s.io"]?.values ?? [:].values {
                if let served = CustomResourceDefinitions.servedResource(crd) {
                    resources["\(served.group)/\(served.plural)"] = served
                }
            }
            self.resources = resources
            self.objects = stored
            self.revision = storedRevision
            self.compactedRevision = storedRevision
        } else {
            self.resources = resources
            self.objects = ["namespaces": namespaces]
            self.revision = revision
            if let journal {
                try journal.compact(objects: objects, revision: revision)
            }
        }
    }

    /// An in-memory store.
    public init() {
        // An in-memory store cannot fail to open.
        try! self.init(dataDirectory: nil)  // swiftlint:disable:this force_try
    }

    private func nextRevision() -> Int64 {
        revision += 1
        return revision
    }

    public var currentResourceVersion: String { String(revision) }

    /// Stores (or, with `nil`, removes) one object under the next resourceVersion, records the change
    /// and tells the watchers. Every write goes through here, so watchers see every change in order.
    @discardableResult
    private func commit(_ groupResource: String, key: String, object: JSONObject?, previous: JSONObject?) throws(APIError) -> JSONObject {
        let rv = revision + 1
        var stored = object ?? previous ?? [:]
        var meta = stored["metadata"]?.objectValue ?? [:]
        meta["resourceVersion"] = .string(String(rv))
        stored["metadata"] = .object(meta)
        if let journal {
            do {
                try journal.append(.init(revision: rv, groupResource: groupResource, key: key, object: object == nil ? nil : stored))
            } catch {
                throw APIError(code: 500, reason: "InternalError", message: "storage write failed: \(error)")
            }
        }
        revision = rv
        let type: WatchEvent.EventType
        if object == nil {
            objects[groupResource]?[key] = nil
            type = .deleted
        } else {
            objects[groupResource, default: [:]][key] = stored
            type = previous == nil ? .added : .modified
        }
        let event = StoredEvent(revision: rv, groupResource: groupResource, type: type, object: stored, previous: previous)
        events.append(event)
        while events.count > eventWindow, let dropped = events.popFirst() {
            compactedRevision = dropped.revision
        }
        if let journal, journal.needsCompaction {
            // A failed compaction leaves the journal in place; it is retried on the next commit.
            try? journal.compact(objects: objects, revision: revision)
        }
        if groupResource == "pods", !logFollowers.isEmpty {
            finishLogFollowers(podKey: key, pod: object == nil ? nil : stored)
        }
        for (id, watcher) in watchers where watcher.groupResource == groupResource {
            guard let delivered = watcher.filter.translate(event) else { continue }
            if case .dropped = watcher.continuation.yield(delivered) {
                // A watcher that cannot keep up is closed rather than allowed to hold memory or lose
                // events; it resumes from the last resourceVersion it saw.
                watcher.continuation.finish()
                watchers[id] = nil
            }
        }
        return stored
    }

    // MARK: Watch

    /// Starts a watch. `resourceVersion` empty or "0" sends the current objects as ADDED first;
    /// a specific version replays the changes after it, or fails with 410 Gone if they are no
    /// longer kept.
    public func watch(_ resource: APIResource, filter: WatchFilter, resourceVersion: String?, bufferSize: Int = 1_000) throws(APIError) -> AsyncStream<WatchEvent> {
        var initial: [WatchEvent] = []
        if let rvText = resourceVersion, !rvText.isEmpty, rvText != "0" {
            guard let rv = Int64(rvText) else { throw APIError.badRequest("invalid resourceVersion \"\(rvText)\"") }
            if rv < compactedRevision {
                throw APIError(code: 410, reason: "Expired", message: "too old resource version: \(rv) (\(compactedRevision))")
            }
            for event in events where event.revision > rv && event.groupResource == resource.groupResource {
                if let delivered = filter.translate(event) { initial.append(delivered) }
            }
        } else {
            for object in list(resource, filter: filter).items {
                initial.append(WatchEvent(type: .added, object: object))
            }
        }
        let (stream, continuation) = AsyncStream<WatchEvent>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize + initial.count))
        for event in initial { continuation.yield(event) }
        let id = nextWatcherID
        nextWatcherID += 1
        watchers[id] = Watcher(groupResource: resource.groupResource, filter: filter, continuation: continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.stopWatching(id) }
        }
        return stream
    }

    private func stopWatching(_ id: UInt64) {
        watchers[id] = nil
    }

    /// The number of open watches (for tests and metrics).
    public var watcherCount: Int { watchers.count }

    /// Ends every open watch stream, as a server restart or a dropped connection would (clients
    /// must resume from the last resourceVersion they saw).
    public func closeAllWatches() {
        let open = watchers
        watchers = [:]
        for (_, watcher) in open { watcher.continuation.finish() }
    }

    // MARK: Resources

    private func register(_ resource: APIResource) {
        resources["\(resource.group)/\(resource.plural)"] = resource
    }

    public func allResources() -> [APIResource] {
        resources.values.sorted { ($0.group, $0.plural) < ($1.group, $1.plural) }
    }

    public func resource(group: String, version: String, plural: String) -> APIResource? {
        guard let r = resources["\(group)/\(plural)"], r.version == version else { return nil }
        return r
    }

    // MARK: Reads

    private func key(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

    public func get(_ resource: APIResource, namespace: String?, name: String) throws(APIError) -> JSONObject {
        guard let object = objects[resource.groupResource]?[key(namespace, name)] else {
            throw APIError.notFound(resource.groupResource, name)
        }
        return object
    }

    /// Objects of a resource matching `filter`, sorted by namespace/name; with `limit`, at most that
    /// many after the key `continueAfter`, plus the key to continue from when more remain.
    public func list(_ resource: APIResource, filter: WatchFilter, limit: Int? = nil, continueAfter: String? = nil) -> (items: [JSONObject], resourceVersion: String, continueKey: String?) {
        let all = objects[resource.groupResource] ?? [:]
        var keys = all.keys.filter { k in
            if let namespace = filter.namespace, !namespace.isEmpty, !k.hasPrefix(namespace + "/") { return false }
            if let continueAfter, k <= continueAfter { return false }
            return true
        }
        keys.sort()
        var items: [JSONObject] = []
        var continueKey: String?
        for k in keys {
            guard let object = all[k], filter.matches(object) else { continue }
            if let limit, items.count == limit {
                continueKey = KubeObject(items[items.count - 1]).namespace.map { "\($0)/" } ?? "/"
                continueKey! += KubeObject(items[items.count - 1]).name ?? ""
                break
            }
            items.append(object)
        }
        return (items, String(revision), continueKey)
    }

    // MARK: Writes

    public func create(_ resource: APIResource, namespace: String?, object input: JSONObject, dryRun: Bool) throws(APIError) -> JSONObject {
        var object = input
        var meta = object["metadata"]?.objectValue ?? [:]
        if resource.namespaced {
            guard let namespace, !namespace.isEmpty else { throw APIError.badRequest("the namespace of the object is required") }
            if let given = meta["namespace"]?.stringValue, !given.isEmpty, given != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let ns = objects["namespaces"]?[key(nil, namespace)] else { throw APIError.notFound("namespaces", namespace) }
            if ns["metadata"]?["deletionTimestamp"] != nil {
                throw APIError(code: 403, reason: "Forbidden", message: "\(resource.plural) \"\(meta["name"]?.stringValue ?? "")\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated")
            }
            meta["namespace"] = .string(namespace)
        } else {
            meta.removeValue(forKey: "namespace")
        }
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = meta["generateName"]?.stringValue, !prefix.isEmpty {
            repeat {
                name = prefix + Self.randomSuffix()
            } while objects[resource.groupResource]?[key(namespace, name)] != nil
            meta["name"] = .string(name)
        }
        guard !name.isEmpty else {
            throw APIError.invalid(kind: resource.kind, name: "", causes: [("metadata.name", "Required value: name or generateName is required")])
        }
        try validateMetadata(resource, name: name, meta: meta)
        try checkKind(resource, object)
        if objects[resource.groupResource]?[key(resource.namespaced ? namespace : nil, name)] != nil {
            throw APIError.alreadyExists(resource.groupResource, name)
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(Timestamp.format(clock()))
        meta["generation"] = 1
        meta.removeValue(forKey: "deletionTimestamp")
        meta.removeValue(forKey: "deletionGracePeriodSeconds")
        meta.removeValue(forKey: "resourceVersion")
        Self.setTypeMeta(&object, resource)
        object["metadata"] = .object(meta)
        if resource.hasStatusSubresource && resource.schema != nil {
            // Custom resources ignore status on create; it is set through the status subresource.
            object.removeValue(forKey: "status")
        }
        if resource.isCoreNamespace {
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
            var labels = meta["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            meta["labels"] = .object(labels)
            object["metadata"] = .object(meta)
        }
        if resource.group == "apiextensions.k8s.io" && resource.plural == "customresourcedefinitions" {
            object = try CustomResourceDefinitions.prepare(object, existing: resources, clock: clock)
        }
        object = try applySchema(resource, object, name: name)
        if dryRun { return object }
        let stored = try commit(resource.groupResource, key: key(resource.namespaced ? namespace : nil, name), object: object, previous: nil)
        if let served = CustomResourceDefinitions.servedResource(stored) { register(served) }
        return stored
    }

    /// Replaces an object (PUT), or only its status when `subresource` is `status`.
    public func update(_ resource: APIResource, namespace: String?, name: String, object input: JSONObject, subresource: String?, dryRun: Bool) throws(APIError) -> JSONObject {
        let storageKey = key(resource.namespaced ? namespace : nil, name)
        guard let existing = objects[resource.groupResource]?[storageKey] else {
            throw APIError.notFound(resource.groupResource, name)
        }
        let existingMeta = existing["metadata"]?.objectValue ?? [:]
        var incomingMeta = input["metadata"]?.objectValue ?? [:]
        if let given = incomingMeta["name"]?.stringValue, given != name {
            throw APIError.badRequest("the name of the object (\(given)) does not match the name on the URL (\(name))")
        }
        if let rv = incomingMeta["resourceVersion"]?.stringValue, !rv.isEmpty, rv != existingMeta["resourceVersion"]?.stringValue {
            throw APIError.conflict(resource.groupResource, name)
        }
        var object: JSONObject
        if subresource == "status" {
            // Only status changes through the status subresource.
            object = existing
            object["status"] = input["status"]
        } else {
            try checkKind(resource, input)
            object = input
            if resource.hasStatusSubresource {
                object["status"] = existing["status"]
            }
            // Fields the server owns.
            for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"] {
                incomingMeta[field] = existingMeta[field]
            }
            incomingMeta["name"] = .string(name)
            let oldFinalizers = Set(existingMeta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let newFinalizers = incomingMeta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if existingMeta["deletionTimestamp"] != nil, newFinalizers.contains(where: { !oldFinalizers.contains($0) }) {
                throw APIError.invalid(kind: resource.kind, name: name, causes: [("metadata.finalizers", "Forbidden: no new finalizers can be added if the object is being deleted")])
            }
            try validateMetadata(resource, name: name, meta: incomingMeta)
            object["metadata"] = .object(incomingMeta)
            Self.setTypeMeta(&object, resource)
            if Self.specChanged(old: existing, new: object) {
                incomingMeta["generation"] = .int((existingMeta["generation"]?.intValue ?? 1) + 1)
                object["metadata"] = .object(incomingMeta)
            }
            if resource.group == "apiextensions.k8s.io" && resource.plural == "customresourcedefinitions" {
                object = try CustomResourceDefinitions.prepare(object, existing: resources, clock: clock)
            }
        }
        object = try applySchema(resource, object, name: name)
        var comparable = object
        comparable["metadata"]?["resourceVersion"] = existing["metadata"]?["resourceVersion"]
        if JSONValue.object(comparable) == JSONValue.object(existing) {
            return existing  // nothing changed: no new resourceVersion, as the real server does
        }
        if dryRun { return object }
        let meta = object["metadata"]?.objectValue ?? [:]
        // An object whose deletion waited for finalizers goes once the last one is removed.
        if meta["deletionTimestamp"] != nil, (meta["finalizers"]?.arrayValue ?? []).isEmpty {
            let removed = try commit(resource.groupResource, key: storageKey, object: nil, previous: object)
            try afterRemoval(resource, removed)
            return removed
        }
        let stored = try commit(resource.groupResource, key: storageKey, object: object, previous: existing)
        if let served = CustomResourceDefinitions.servedResource(stored) { register(served) }
        return stored
    }

    /// Deletes an object; one with finalizers is only marked (`deletionTimestamp`) until they are gone.
    /// How deleting an owner treats the objects whose ownerReferences name it.
    public enum PropagationPolicy: String, Sendable {
        /// The owner goes now; its dependents are deleted right after.
        case background = "Background"
        /// The owner stays (finalizer `foregroundDeletion`) until its dependents are gone.
        case foreground = "Foreground"
        /// The owner goes; its dependents stay, without the reference.
        case orphan = "Orphan"
    }

    public func delete(_ resource: APIResource, namespace: String?, name: String, propagation: PropagationPolicy = .background, dryRun: Bool) throws(APIError) -> JSONObject {
        let storageKey = key(resource.namespaced ? namespace : nil, name)
        guard var object = objects[resource.groupResource]?[storageKey] else {
            throw APIError.notFound(resource.groupResource, name)
        }
        var meta = object["metadata"]?.objectValue ?? [:]
        if dryRun { return object }
        let uid = meta["uid"]?.stringValue ?? ""
        switch propagation {
        case .orphan:
            try orphanDependents(of: uid)
        case .foreground where !dependents(of: uid).isEmpty && meta["deletionTimestamp"] == nil:
            let previous = object
            meta["deletionTimestamp"] = .string(Timestamp.format(clock()))
            meta["deletionGracePeriodSeconds"] = 0
            meta["finalizers"] = .array((meta["finalizers"]?.arrayValue ?? []) + ["foregroundDeletion"])
            object["metadata"] = .object(meta)
            object = try commit(resource.groupResource, key: storageKey, object: object, previous: previous)
            try collectGarbage(ownerUID: uid, deleteOnly: true)
            return objects[resource.groupResource]?[storageKey] ?? object
        default:
            break
        }
        let finalizers = meta["finalizers"]?.arrayValue ?? []
        if !finalizers.isEmpty || resource.isCoreNamespace {
            if meta["deletionTimestamp"] == nil {
                let previous = object
                meta["deletionTimestamp"] = .string(Timestamp.format(clock()))
                meta["deletionGracePeriodSeconds"] = 0
                object["metadata"] = .object(meta)
                object = try commit(resource.groupResource, key: storageKey, object: object, previous: previous)
            }
            if resource.isCoreNamespace {
                try finishNamespaceDeletion(name)
                return objects["namespaces"]?[storageKey] ?? object
            }
            return object
        }
        let removed = try commit(resource.groupResource, key: storageKey, object: nil, previous: object)
        try afterRemoval(resource, removed)
        return removed
    }

    // MARK: Logs and tokens

    /// Largest log kept per container; older output is dropped first.
    static let maximumLogSize = 4 * 1024 * 1024

    public func appendLog(_ key: String, _ bytes: [UInt8]) {
        var log = logs[key, default: []]
        log.append(contentsOf: bytes)
        if log.count > Self.maximumLogSize { log.removeFirst(log.count - Self.maximumLogSize) }
        logs[key] = log
        guard var followers = logFollowers[key] else { return }
        followers.removeAll { follower in
            switch follower.yield(bytes) {
            case .enqueued: return false
            case .dropped, .terminated:
                // A reader that cannot keep up is ended rather than allowed to hold memory.
                follower.finish()
                return true
            @unknown default: return true
            }
        }
        logFollowers[key] = followers.isEmpty ? nil : followers
    }

    public func log(_ key: String) -> [UInt8] { logs[key] ?? [] }

    /// Most chunks a log follower may have waiting before it is ended.
    static let logFollowerBuffer = 256

    /// The output of a container so far and a stream of what is appended later (`kubectl logs -f`).
    /// The stream ends when the container has terminated (its status says so, or the pod finished)
    /// or the pod is deleted; it is finished at once when that is already the case.
    public func followLog(_ key: String, pod: JSONObject, container: String) -> (existing: [UInt8], stream: AsyncStream<[UInt8]>) {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(Self.logFollowerBuffer))
        if Self.containerHasEnded(container, in: pod) {
            continuation.finish()
        } else {
            logFollowers[key, default: []].append(continuation)
        }
        return (logs[key] ?? [], stream)
    }

    /// Ends the followers of a pod's containers that have terminated (all of them when the pod is gone).
    private func finishLogFollowers(podKey: String, pod: JSONObject?) {
        let prefix = podKey + "/"
        for (key, followers) in logFollowers where key.hasPrefix(prefix) {
            let container = String(key.dropFirst(prefix.count))
            guard pod.map({ Self.containerHasEnded(container, in: $0) }) ?? true else { continue }
            for follower in followers { follower.finish() }
            logFollowers[key] = nil
        }
    }

    private static func containerHasEnded(_ container: String, in pod: JSONObject) -> Bool {
        let status = pod["status"] ?? .object([:])
        if let phase = status["phase"]?.stringValue, phase == "Succeeded" || phase == "Failed" { return true }
        let statuses = (status["initContainerStatuses"]?.arrayValue ?? []) + (status["containerStatuses"]?.arrayValue ?? [])
        guard let entry = statuses.first(where: { $0["name"]?.stringValue == container }) else { return false }
        return entry[path: ["state", "terminated"]] != nil
    }

    public struct IssuedToken: Sendable {
        public var value: String
    }

    public func issueToken(serviceAccount: String, lifetime: Duration) -> IssuedToken {
        let value = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        issuedTokens[value] = (serviceAccount, ContinuousClock.now + lifetime)
        return IssuedToken(value: value)
    }

    /// Whether `token` was issued here and has not expired.
    public func isIssuedToken(_ token: String) -> Bool {
        issuedTokenSubject(token) != nil
    }

    /// The user an unexpired token issued here identifies (`system:serviceaccount:<ns>:<name>`).
    public func issuedTokenSubject(_ token: String) -> String? {
        guard let entry = issuedTokens[token] else { return nil }
        if entry.expires < ContinuousClock.now {
            issuedTokens[token] = nil
            return nil
        }
        return entry.subject
    }

    // MARK: Garbage collection

    private func resource(forGroupResource groupResource: String) -> APIResource? {
        resources.values.first { $0.groupResource == groupResource }
    }

    /// Objects whose ownerReferences name `uid`.
    private func dependents(of uid: String) -> [(groupResource: String, key: String, object: JSONObject)] {
        guard !uid.isEmpty else { return [] }
        var out: [(String, String, JSONObject)] = []
        for (groupResource, entries) in objects {
            for (k, object) in entries {
                let refs = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
                if refs.contains(where: { $0["uid"]?.stringValue == uid }) { out.append((groupResource, k, object)) }
            }
        }
        return out
    }

    private func orphanDependents(of uid: String) throws(APIError) {
        for (groupResource, k, object) in dependents(of: uid) {
            var updated = object
            let refs = (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
            updated["metadata"]?["ownerReferences"] = refs.isEmpty ? nil : .array(refs)
            try commit(groupResource, key: k, object: updated, previous: object)
        }
    }

    /// Deletes the dependents of a removed (or foreground-deleting) owner; a dependent that still has
    /// another owner only loses the reference.
    private func collectGarbage(ownerUID uid: String, deleteOnly: Bool = false) throws(APIError) {
        for (groupResource, k, object) in dependents(of: uid) {
            guard let resource = resource(forGroupResource: groupResource) else { continue }
            let refs = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
            let others = refs.filter { $0["uid"]?.stringValue != uid }
            if !others.isEmpty && !deleteOnly {
                var updated = object
                updated["metadata"]?["ownerReferences"] = .array(others)
                try commit(groupResource, key: k, object: updated, previous: object)
                continue
            }
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            let namespace = object["metadata"]?["namespace"]?.stringValue
            if object["metadata"]?["deletionTimestamp"] == nil {
                _ = try delete(resource, namespace: namespace, name: name, dryRun: false)
            }
        }
    }

    /// A foreground-deleting owner goes once its last dependent has gone.
    private func completeForegroundDeletions(after removed: JSONObject) throws(APIError) {
        for ref in removed["metadata"]?["ownerReferences"]?.arrayValue ?? [] {
            guard let ownerUID = ref["uid"]?.stringValue, dependents(of: ownerUID).isEmpty else { continue }
            for (groupResource, entries) in objects {
                for (k, owner) in entries where owner["metadata"]?["uid"]?.stringValue == ownerUID {
                    let finalizers = owner["metadata"]?["finalizers"]?.arrayValue ?? []
                    guard finalizers.contains("foregroundDeletion") else { continue }
                    let rest = finalizers.filter { $0 != "foregroundDeletion" }
                    var updated = owner
                    updated["metadata"]?["finalizers"] = rest.isEmpty ? nil : .array(rest)
                    if rest.isEmpty, let resource = resource(forGroupResource: groupResource) {
                        let gone = try commit(groupResource, key: k, object: nil, previous: updated)
                        try afterRemoval(resource, gone)
                    } else {
                        try commit(groupResource, key: k, object: updated, previous: owner)
                    }
                }
            }
        }
    }

    /// What removing an object implies: its dependents are collected, a foreground-deleting owner may
    /// now go, a terminating namespace may now go, and a CRD takes its resource and objects with it.
    private func afterRemoval(_ resource: APIResource, _ object: JSONObject) throws(APIError) {
        if resource.plural == "pods", resource.group.isEmpty {
            let prefix = "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(object["metadata"]?["name"]?.stringValue ?? "")/"
            for key in logs.keys where key.hasPrefix(prefix) { logs[key] = nil }
        }
        if let uid = object["metadata"]?["uid"]?.stringValue {
            try collectGarbage(ownerUID: uid)
        }
        try completeForegroundDeletions(after: object)
        if let namespace = object["metadata"]?["namespace"]?.stringValue,
            objects["namespaces"]?["/\(namespace)"]?["metadata"]?["deletionTimestamp"] != nil
        {
            try finishNamespaceDeletion(namespace)
        }
        guard resource.group == "apiextensions.k8s.io", resource.plural == "customresourcedefinitions",
            let served = CustomResourceDefinitions.servedResource(object)
        else { return }
        for (k, child) in objects[served.groupResource] ?? [:] {
            try commit(served.groupResource, key: k, object: nil, previous: child)
        }
        resources["\(served.group)/\(served.plural)"] = nil
        objects[served.groupResource] = nil
        for (id, watcher) in watchers where watcher.groupResource == served.groupResource {
            watcher.continuation.finish()
            watchers[id] = nil
        }
    }

    /// Deletes everything in a terminating namespace; the namespace goes once nothing with a finalizer is left.
    private func finishNamespaceDeletion(_ namespace: String) throws(APIError) {
        var blocked = false
        for (groupResource, entries) in objects where groupResource != "namespaces" {
            for (k, object) in entries where k.hasPrefix(namespace + "/") {
                let finalizers = object["metadata"]?["finalizers"]?.arrayValue ?? []
                if finalizers.isEmpty {
                    try commit(groupResource, key: k, object: nil, previous: object)
                } else {
                    blocked = true
                    if object["metadata"]?["deletionTimestamp"] == nil {
                        var o = object
                        o["metadata"]?["deletionTimestamp"] = .string(Timestamp.format(clock()))
                        try commit(groupResource, key: k, object: o, previous: object)
                    }
                }
            }
        }
        guard let ns = objects["namespaces"]?["/\(namespace)"] else { return }
        if blocked {
            if ns["status"]?["phase"] != "Terminating" {
                var terminating = ns
                terminating["status"] = ["phase": "Terminating"]
                try commit("namespaces", key: "/\(namespace)", object: terminating, previous: ns)
            }
        } else {
            try commit("namespaces", key: "/\(namespace)", object: nil, previous: ns)
        }
    }

    // MARK: Helpers

    /// Prunes, defaults and validates a custom resource against its CRD schema.
    private func applySchema(_ resource: APIResource, _ object: JSONObject, name: String) throws(APIError) -> JSONObject {
        guard let schema = resource.schema else { return object }
        let (value, problems) = SchemaValidator(schema: schema).apply(to: .object(object))
        if !problems.isEmpty {
            throw APIError.invalid(kind: resource.kind, name: name, causes: problems.map { ($0.field, $0.message) })
        }
        return value.objectValue ?? object
    }

    private func checkKind(_ resource: APIResource, _ object: JSONObject) throws(APIError) {
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != resource.kind {
            throw APIError.badRequest("the kind \(kind) does not match the resource \(resource.plural) (kind \(resource.kind))")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != resource.apiVersion {
            throw APIError.badRequest("the apiVersion \(apiVersion) does not match the resource (\(resource.apiVersion))")
        }
    }

    private func validateMetadata(_ resource: APIResource, name: String, meta: JSONObject) throws(APIError) {
        var causes: [(String, String)] = []
        let nameIsValid: Bool
        switch (resource.group, resource.plural) {
        case ("", "namespaces"): nameIsValid = LabelValidation.isDNSLabel(name)
        case ("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "rolebindings"),
             ("rbac.authorization.k8s.io", "clusterroles"), ("rbac.authorization.k8s.io", "clusterrolebindings"):
            // RBAC names are path segments: anything but "." "..", "/" and "%".
            nameIsValid = name != "." && name != ".." && !name.contains("/") && !name.contains("%")
        default: nameIsValid = LabelValidation.isDNSSubdomain(name)
        }
        if !nameIsValid {
            causes.append(("metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"))
        }
        if case .object(let labels)? = meta["labels"] {
            for (k, v) in labels {
                if let problem = LabelValidation.keyProblem(k) { causes.append(("metadata.labels", "Invalid value: \"\(k)\": \(problem)")) }
                guard let value = v.stringValue else {
                    causes.append(("metadata.labels", "Invalid value: label values must be strings"))
                    continue
                }
                if let problem = LabelValidation.valueProblem(value) { causes.append(("metadata.labels", "Invalid value: \"\(value)\": \(problem)")) }
            }
        }
        if !causes.isEmpty { throw APIError.invalid(kind: resource.kind, name: name, causes: causes) }
    }

    /// Generation moves when anything but metadata and status changes.
    /// Sets `apiVersion` and `kind`, keeping the strings the client sent when they are already
    /// right: each would otherwise be a new heap string kept with every stored object.
    private static func setTypeMeta(_ object: inout JSONObject, _ resource: APIResource) {
        let apiVersion = resource.apiVersion
        if object["apiVersion"]?.stringValue != apiVersion { object["apiVersion"] = .string(apiVersion) }
        if object["kind"]?.stringValue != resource.kind { object["kind"] = .string(resource.kind) }
    }

    private static func specChanged(old: JSONObject, new: JSONObject) -> Bool {
        var a = old
        var b = new
        for k in ["metadata", "status", "apiVersion", "kind"] {
            a.removeValue(forKey: k)
            b.removeValue(forKey: k)
        }
        return JSONValue.object(a) != JSONValue.object(b)
    }

    private static let suffixAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    static func randomSuffix() -> String {
        String((0..<5).map { _ in suffixAlphabet.randomElement()! })
    }
}
