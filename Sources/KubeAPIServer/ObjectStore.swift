import DequeModule
import Foundation
import KubeModel
import Logging

/// The cluster's state: the served resources and every stored object, with one global resourceVersion.
///
/// An actor because every request reads and writes it; each operation is short and synchronous
/// inside, so requests are applied one at a time in a total order, which is what gives
/// resourceVersions their meaning.
///
/// A durable store acknowledges a write once the journal's fsync covers it, and tells watchers
/// about a change only then, as etcd does; reads see committed changes at once. The concerns live
/// in their own files: writes (`+Writes`), watches (`+Watch`), garbage collection, pod logs and
/// tokens; the files on disk are ``StorageJournal``'s.
public actor ObjectStore {
    var resources: [String: APIResource] = [:]  // by "group/plural"
    var objects: [String: [String: JSONObject]] = [:]  // groupResource -> "ns/name" -> object
    var revision: Int64 = 1
    let clock: @Sendable () -> Date
    /// Recent changes, oldest first, for watches that resume from a resourceVersion.
    var events = Deque<StoredEvent>()
    /// The newest revision no longer in `events`: a watch from before it gets 410 Gone.
    var compactedRevision: Int64 = 0
    /// Changes committed but not yet on the disk, held back from watchers until they are.
    var undelivered = Deque<StoredEvent>()
    /// The newest change watchers have been told about.
    var deliveredRevision: Int64 = 0
    let eventWindow: Int
    var watchers: [UInt64: Watcher] = [:]
    var nextWatcherID: UInt64 = 0
    let journal: StorageJournal?
    /// Container output by "namespace/pod/container" (kept in memory, dropped with the pod).
    var logs: [String: [UInt8]] = [:]
    /// Open `pods/log?follow=true` readers, by the same key.
    var logFollowers: [String: [AsyncStream<[UInt8]>.Continuation]] = [:]
    /// Tokens issued through `serviceaccounts/token`, with their expiry.
    var issuedTokens: [String: IssuedTokenRecord] = [:]
    /// What every namespace's `kube-root-ca.crt` holds (``useRootCA(_:)``).
    var rootCAPEM = ""
    /// Shared managedFields entries and field trees, by their serialized form (bounded).
    var internedManagedFields: [String: JSONValue] = [:]
    /// Each resource's keys in list order, kept until one is added or removed: a paginated list
    /// then costs a binary search and a page per call rather than a sort of every key per page.
    var sortedKeys: [String: [String]] = [:]
    /// Stored Events in the order they expire (``expireEvents(afterCommitting:key:type:)``).
    var eventExpiry = Deque<ExpiringEvent>()
    var maximumEvents = ObjectStore.defaultMaximumEvents
    /// The admission webhooks of the stored configurations, read by writes without waiting for
    /// the store (``AdmissionWebhookRegistry``).
    nonisolated let admissionWebhooks = AdmissionWebhookRegistry()

    struct StoredEvent {
        var revision: Int64
        var groupResource: String
        var type: WatchEvent.EventType
        var object: JSONObject
        var previous: JSONObject?
        /// The object's JSON, made once for the journal and every watcher.
        var objectBytes: [UInt8]?
    }

    struct Watcher {
        var groupResource: String
        var filter: WatchFilter
        var continuation: AsyncStream<WatchEvent>.Continuation
        /// The revision the watch's first events reach: later changes only are sent to it.
        var after: Int64
    }

    /// An in-memory store, or a durable one kept in `dataDirectory` (objects and resourceVersions
    /// survive restarts and crashes).
    /// - Parameters:
    ///   - eventWindow: how many recent changes a watch can resume from before it gets 410 Gone.
    ///   - repairStorage: keep the intact records of a damaged journal or snapshot and move the
    ///     damaged ones aside, instead of refusing to start (``StorageCorruption``).
    /// - Throws: ``StorageCorruption`` when a stored file is damaged (not only torn at its end).
    public init(dataDirectory: String? = nil, eventWindow: Int = 10_000, repairStorage: Bool = false,
                logger: Logger = Logger(label: "kratix.apiserver.storage"),
                clock: @escaping @Sendable () -> Date = Date.init) throws {
        self.clock = clock
        self.eventWindow = eventWindow
        let journal = try dataDirectory.map { try StorageJournal(directory: $0, logger: logger) }
        self.journal = journal
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
                    "managedFields": [[
                        "manager": "kube-apiserver", "operation": "Update", "apiVersion": "v1", "time": .string(now), "fieldsType": "FieldsV1",
                        "fieldsV1": ["f:metadata": ["f:labels": [".": [:], "f:kubernetes.io/metadata.name": [:]]]],
                    ]],
                ],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
        }
        if let journal, case let (stored, storedRevision) = try journal.load(repair: repairStorage), storedRevision > 0 {
            // A durable store starts from what it kept, serving the CRDs stored in it.
            for crd in stored["customresourcedefinitions.apiextensions.k8s.io"]?.values ?? [:].values {
                if let served = CustomResourceDefinitions.servedResource(crd) {
                    resources["\(served.group)/\(served.plural)"] = served
                }
            }
            var stored = stored
            var revision = storedRevision
            let added = Self.addBootstrapPolicy(to: &stored, revision: &revision, now: Timestamp.format(clock()))
            if added { try journal.compact(objects: stored, revision: revision) }
            self.resources = resources
            self.objects = stored
            self.eventExpiry = Self.eventExpiryOrder(stored)
            self.revision = revision
            self.compactedRevision = revision
            self.deliveredRevision = revision
            admissionWebhooks.replace(with: AdmissionWebhookSet(objects: stored))
        } else {
            self.resources = resources
            var objects: [String: [String: JSONObject]] = ["namespaces": namespaces]
            // Each namespace's `default` ServiceAccount (its root CA ConfigMap comes with ``useRootCA(_:)``).
            for namespace in namespaces.values.compactMap({ $0["metadata"]?["name"]?.stringValue }) {
                revision += 1
                var account = Self.defaultServiceAccount(in: namespace, now: Timestamp.format(clock()))
                account["metadata"]?["resourceVersion"] = .string(String(revision))
                objects["serviceaccounts", default: [:]]["\(namespace)/default"] = account
            }
            _ = Self.addBootstrapPolicy(to: &objects, revision: &revision, now: Timestamp.format(clock()))
            self.objects = objects
            self.revision = revision
            self.deliveredRevision = revision
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

    func nextRevision() -> Int64 {
        revision += 1
        return revision
    }

    public var currentResourceVersion: String { String(revision) }

    /// The journal's fsyncs so far (0 in memory): under concurrent writes, fewer than the writes.
    public var storageSyncCount: Int { journal?.sync.syncCount ?? 0 }

    /// Each resource's stored objects: how many, and their size as JSON (for the bench's breakdown
    /// of where memory goes).
    public func storedSizes() -> [(groupResource: String, count: Int, jsonBytes: Int)] {
        objects.map { groupResource, byKey in
            (groupResource, byKey.count, byKey.values.reduce(0) { $0 + JSONValue.object($1).serializedBytes().count })
        }.sorted { $0.jsonBytes > $1.jsonBytes }
    }

    /// Stores (or, with `nil`, removes) one object under the next resourceVersion, writes it to the
    /// journal and records the change. Every write goes through here, so watchers see every change
    /// in order. The caller's public method waits for durability (``durably(_:)``).
    @discardableResult
    func commit(_ groupResource: String, key: String, object: JSONObject?, previous: JSONObject?) throws(APIError) -> JSONObject {
        let rv = revision + 1
        var stored = object ?? previous ?? [:]
        var meta = stored["metadata"]?.objectValue ?? [:]
        meta["resourceVersion"] = .string(String(rv))
        stored["metadata"] = .object(meta)
        // One serialization of the change, shared by the journal (which records removals without
        // the object) and every watcher of the resource.
        let watched = watchers.values.contains { $0.groupResource == groupResource }
        let objectBytes = (journal != nil && object != nil) || watched ? JSONValue.object(stored).serializedBytes() : nil
        if let journal {
            do {
                var record = JournalRecord(revision: rv, groupResource: groupResource, key: key, object: object == nil ? nil : stored)
                record.objectBytes = object == nil ? nil : objectBytes
                try journal.append(record)
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
        if type != .modified { sortedKeys[groupResource] = nil }
        var event = StoredEvent(revision: rv, groupResource: groupResource, type: type, object: stored, previous: previous)
        // The window keeps changes for watches that resume (rare): without the bytes, which
        // would cost the window's size again in memory. Current watchers get them.
        events.append(event)
        event.objectBytes = objectBytes
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
        undelivered.append(event)
        refreshAdmissionWebhooks(after: groupResource)
        if journal == nil { deliver(upTo: rv) }
        if groupResource == "events" { expireEvents(afterCommitting: groupResource, key: key, type: type) }
        return stored
    }

    /// Runs a write and, when it committed anything (even before failing), returns only once that
    /// is on the disk, then tells the watchers. Other requests run on the store meanwhile; the
    /// journal's one fsync covers theirs too.
    func durably<T>(_ write: () throws(APIError) -> T) async throws(APIError) -> T {
        let before = revision
        let result: Result<T, APIError>
        do {
            result = .success(try write())
        } catch {
            result = .failure(error)
        }
        if revision > before, let sync = journal?.sync {
            let target = revision
            do {
                try await sync.waitDurable(target)
            } catch {
                throw APIError(code: 500, reason: "InternalError", message: "\(error)")
            }
            deliver(upTo: sync.durableRevision)
        }
        return try result.get()
    }

    // MARK: Resources

    func register(_ resource: APIResource) {
        resources["\(resource.group)/\(resource.plural)"] = resource
    }

    public func allResources() -> [APIResource] {
        resources.values.sorted { ($0.group, $0.plural) < ($1.group, $1.plural) }
    }

    /// The served resources by `group/plural`, unsorted: what request routing looks resources up in
    /// (a copy-on-write handle, so nothing is copied or sorted per request).
    public func resourceIndex() -> [String: APIResource] { resources }

    public func resource(group: String, version: String, plural: String) -> APIResource? {
        guard let r = resources["\(group)/\(plural)"], r.version == version else { return nil }
        return r
    }

    // MARK: Reads

    func key(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

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
        let keys = sortedKeys(of: resource.groupResource, in: all)
        // Keys sort by namespace first, so a namespace's keys are one run.
        let prefix = filter.namespace.flatMap { $0.isEmpty ? nil : $0 + "/" }
        var start = prefix.map { Self.firstIndex(in: keys, after: $0, inclusive: true) } ?? 0
        if let continueAfter { start = max(start, Self.firstIndex(in: keys, after: continueAfter, inclusive: false)) }
        var items: [JSONObject] = []
        var continueKey: String?
        for k in keys[start...] {
            if let prefix, !k.hasPrefix(prefix) { break }
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

    /// The resource's keys, sorted (from the cache while no key came or went).
    private func sortedKeys(of groupResource: String, in all: [String: JSONObject]) -> [String] {
        if let cached = sortedKeys[groupResource], cached.count == all.count { return cached }
        let keys = all.keys.sorted()
        sortedKeys[groupResource] = keys
        return keys
    }

    /// The index of the first key after `bound` (or equal to it, when `inclusive`) in sorted `keys`.
    static func firstIndex(in keys: [String], after bound: String, inclusive: Bool) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < bound || (!inclusive && keys[middle] == bound) { low = middle + 1 } else { high = middle }
        }
        return low
    }

}
