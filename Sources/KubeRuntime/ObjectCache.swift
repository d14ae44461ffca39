import DequeModule
import KubeModel
import Synchronization

/// The reflector's store: the objects of one informer, readable from any task without awaiting,
/// with indexes so controllers find "every Work of this Promise" without scanning.
///
/// Objects pass through `transform` before they are kept (by default dropping `managedFields` and
/// kubectl's last-applied annotation, which are often most of an object's size and that no
/// controller here reads).
public final class ObjectCache: Sendable {
    /// Maps an object to the values it is indexed under.
    public typealias IndexFunction = @Sendable (KubeObject) -> [String]
    public typealias Transform = @Sendable (KubeObject) -> KubeObject

    /// Built-in index names.
    public static let namespaceIndex = "namespace"
    public static let ownerIndex = "owner"

    struct State: ~Copyable {
        var objects: [ObjectKey: KubeObject] = [:]
        /// Deleted keys and the version they were deleted at (bounded; oldest forgotten first), so a
        /// write of this process that the watch's deletion overtook cannot bring the object back.
        var tombstones: [ObjectKey: UInt64] = [:]
        var tombstoneOrder = Deque<ObjectKey>()
        /// index name → index value → keys.
        var indexes: [String: [String: Set<ObjectKey>]] = [:]
        var indexFunctions: [String: IndexFunction] = [:]
    }

    private let state: Mutex<State>
    private let transform: Transform

    public init(transform: @escaping Transform = ObjectCache.stripBulkyFields) {
        self.transform = transform
        var initial = State()
        initial.indexFunctions[Self.namespaceIndex] = { [$0.namespace ?? ""] }
        initial.indexFunctions[Self.ownerIndex] = { object in
            (object.json["metadata"]?["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
        }
        self.state = Mutex(initial)
    }

    /// Drops `metadata.managedFields` and the last-applied-configuration annotation.
    public static let stripBulkyFields: Transform = { object in
        var object = object
        guard case .object(var metadata)? = object.json["metadata"] else { return object }
        metadata["managedFields"] = nil
        if case .object(var annotations)? = metadata["annotations"] {
            annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
            metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        }
        object.json["metadata"] = .object(metadata)
        return object
    }

    /// Adds an index; existing objects are indexed at once.
    public func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        state.withLock { state in
            state.indexFunctions[name] = function
            var index: [String: Set<ObjectKey>] = [:]
            for (key, object) in state.objects {
                for value in function(object) { index[value, default: []].insert(key) }
            }
            state.indexes[name] = index
        }
    }

    /// Indexes an object by the value of one label.
    public func addLabelIndex(_ label: String) {
        addIndex("label:\(label)") { object in object.labels[label].map { [$0] } ?? [] }
    }

    public func get(_ key: ObjectKey) -> KubeObject? { state.withLock { $0.objects[key] } }

    public func get(namespace: String? = nil, name: String) -> KubeObject? {
        get(ObjectKey(namespace: namespace, name: name))
    }

    public var count: Int { state.withLock { $0.objects.count } }

    public var keys: [ObjectKey] { state.withLock { Array($0.objects.keys) } }

    /// Every object, or those in one namespace.
    public func list(namespace: String? = nil) -> [KubeObject] {
        if let namespace { return byIndex(Self.namespaceIndex, namespace) }
        return state.withLock { Array($0.objects.values) }
    }

    /// Objects matching a label selector.
    public func list(namespace: String? = nil, selector: LabelSelector) -> [KubeObject] {
        list(namespace: namespace).filter { selector.matches($0.labels) }
    }

    /// Objects whose labels include every pair of `labels`. A label with an index
    /// (``addLabelIndex(_:)``) narrows the candidates first, so "the Works of this request" is not
    /// a scan of every Work.
    public func list(namespace: String? = nil, labels: [String: String]) -> [KubeObject] {
        let candidates: [KubeObject] = state.withLock { state in
            for (label, value) in labels.sorted(by: { $0.key < $1.key }) {
                guard state.indexFunctions["label:\(label)"] != nil else { continue }
                return (state.indexes["label:\(label)"]?[value] ?? []).compactMap { state.objects[$0] }
            }
            return Array(state.objects.values)
        }
        return candidates.filter { object in
            if let namespace, (object.namespace ?? "") != namespace { return false }
            let have = object.labels
            return labels.allSatisfy { have[$0.key] == $0.value }
        }
    }

    public func byIndex(_ name: String, _ value: String) -> [KubeObject] {
        state.withLock { state in
            guard let keys = state.indexes[name]?[value] else { return [] }
            return keys.compactMap { state.objects[$0] }
        }
    }

    /// Stores an object; returns the one it replaced.
    @discardableResult
    public func apply(_ object: KubeObject) -> KubeObject? {
        let object = transform(object)
        let key = ObjectKey(object)
        return state.withLock { state in
            let old = state.objects.updateValue(object, forKey: key)
            Self.reindex(&state, key: key, old: old, new: object)
            return old
        }
    }

    /// What ``applyIfNewer(_:)`` did.
    public enum Application: Sendable {
        /// Stored; the object it replaced, if any.
        case applied(old: KubeObject?, new: KubeObject)
        /// The cache already holds this version or a later one.
        case stale
    }

    /// Stores an object unless the cache already holds the same or a later version of it, comparing
    /// resourceVersions as numbers (what etcd and the embedded server hand out; clients are told to
    /// treat them as opaque, so a version that is not a number is simply stored). This is how an
    /// informer takes both its watch events and the objects its process wrote, in whatever order
    /// they arrive, without going back in time.
    public func applyIfNewer(_ object: KubeObject) -> Application {
        let object = transform(object)
        let key = ObjectKey(object)
        return state.withLock { state in
            let old = state.objects[key]
            if let old, Self.isNewer(old, than: object) || old.resourceVersion == object.resourceVersion { return .stale }
            if let deletedAt = state.tombstones[key], let version = object.resourceVersion.flatMap({ UInt64($0) }), version <= deletedAt {
                return .stale
            }
            state.objects[key] = object
            Self.reindex(&state, key: key, old: old, new: object)
            return .applied(old: old, new: object)
        }
    }

    /// How many deletions are remembered against late writes (see `State.tombstones`).
    static let tombstoneLimit = 4096

    /// Whether `a` is a later version than `b` (both versions numbers).
    static func isNewer(_ a: KubeObject, than b: KubeObject) -> Bool {
        guard let va = a.resourceVersion.flatMap({ UInt64($0) }), let vb = b.resourceVersion.flatMap({ UInt64($0) }) else { return false }
        return va > vb
    }

    /// Removes an object; returns the stored one.
    @discardableResult
    public func delete(_ object: KubeObject) -> KubeObject? {
        let key = ObjectKey(object)
        return state.withLock { state in
            if let version = object.resourceVersion.flatMap({ UInt64($0) }) {
                if state.tombstones.updateValue(version, forKey: key) == nil { state.tombstoneOrder.append(key) }
                while state.tombstoneOrder.count > Self.tombstoneLimit, let oldest = state.tombstoneOrder.popFirst() {
                    state.tombstones[oldest] = nil
                }
            }
            guard let old = state.objects.removeValue(forKey: key) else { return nil }
            Self.reindex(&state, key: key, old: old, new: nil)
            return old
        }
    }

    /// Swaps in a complete new state (after a relist) and says what changed against the old one,
    /// so an informer can deliver the deletions that happened while no watch was open.
    ///
    /// `listedAt` is the list's resourceVersion. What this process wrote after that snapshot was
    /// taken (``applyIfNewer(_:)``) is newer than the list and stays: a created object is not
    /// dropped and a deleted one not brought back until the watch, resumed from the list, says so.
    /// Without it a reconcile between the relist and those watch events would not see its own
    /// write (and start a second Job).
    public func replace(with objects: [KubeObject], listedAt: String? = nil) -> [CacheChange] {
        let transformed = objects.map(transform)
        let listVersion = listedAt.flatMap { UInt64($0) }
        func writtenAfterList(_ object: KubeObject) -> Bool {
            guard let listVersion, let version = object.resourceVersion.flatMap({ UInt64($0) }) else { return false }
            return version > listVersion
        }
        return state.withLock { state in
            var changes: [CacheChange] = []
            var next: [ObjectKey: KubeObject] = [:]
            next.reserveCapacity(transformed.count)
            for object in transformed {
                let key = ObjectKey(object)
                if let old = state.objects[key], writtenAfterList(old), Self.isNewer(old, than: object) {
                    next[key] = old
                    continue
                }
                // Deleted since (a tombstone holds the version that was deleted): not brought back.
                if let deletedAt = state.tombstones[key], let version = object.resourceVersion.flatMap({ UInt64($0) }), version <= deletedAt {
                    continue
                }
                next[key] = object
                if let old = state.objects[key] {
                    if old.resourceVersion != object.resourceVersion || old != object { changes.append(.updated(old: old, new: object)) }
                } else {
                    changes.append(.added(object))
                }
            }
            for (key, old) in state.objects where next[key] == nil {
                if writtenAfterList(old) {
                    next[key] = old
                } else {
                    changes.append(.deleted(old))
                }
            }
            state.objects = next
            var indexes: [String: [String: Set<ObjectKey>]] = [:]
            for (name, function) in state.indexFunctions {
                var index: [String: Set<ObjectKey>] = [:]
                for (key, object) in next {
                    for value in function(object) { index[value, default: []].insert(key) }
                }
                indexes[name] = index
            }
            state.indexes = indexes
            return changes
        }
    }

    private static func reindex(_ state: inout State, key: ObjectKey, old: KubeObject?, new: KubeObject?) {
        for (name, function) in state.indexFunctions {
            let before = old.map(function) ?? []
            let after = new.map(function) ?? []
            if before == after { continue }
            for value in before where !after.contains(value) {
                state.indexes[name]?[value]?.remove(key)
                if state.indexes[name]?[value]?.isEmpty == true { state.indexes[name]?[value] = nil }
            }
            for value in after where !before.contains(value) {
                state.indexes[name, default: [:]][value, default: []].insert(key)
            }
        }
    }
}

/// A difference between two cache states.
public enum CacheChange: Sendable {
    case added(KubeObject)
    case updated(old: KubeObject, new: KubeObject)
    case deleted(KubeObject)
}

extension ObjectKey {
    /// The key of an object (namespace `nil` for cluster-scoped ones).
    public init(_ object: KubeObject) {
        let ns = object.namespace
        self.init(namespace: (ns?.isEmpty ?? true) ? nil : ns, name: object.name ?? "")
    }
}
