import KratixAPI
import KratixStateStore

/// The process-wide cache of state-store writers (upstream's repository cache, spec §6.4).
///
/// A writer is registered only once its store validated, so a lookup miss means "the store is not
/// ready": Destinations report it and WorkPlacements wait. Entries remember the store generation
/// and Secret resourceVersion they were built from; a store reconcile with the same fingerprint
/// reuses the writer (and so its Git clone), a changed spec or rotated Secret builds a new one.
///
/// Every user of a store's writer (validation, canary, placement write or delete) holds the store's
/// lock for its whole read-compute-write sequence, so two placements on one store never interleave
/// (the aggregated file and the `.kratix` state files are read-modify-write). Different stores
/// proceed in parallel.
public actor StateStoreRegistry {
    public struct StoreKey: Hashable, Sendable, CustomStringConvertible {
        public var kind: StateStoreReference.Kind
        public var name: String

        public init(kind: StateStoreReference.Kind, name: String) {
            self.kind = kind
            self.name = name
        }

        public init(_ reference: StateStoreReference) {
            self.init(kind: reference.kind, name: reference.name)
        }

        public var description: String { "\(kind.rawValue)/\(name)" }
    }

    /// What a writer was built from.
    public struct Fingerprint: Hashable, Sendable {
        public var generation: Int64
        public var secretResourceVersion: String?

        public init(generation: Int64, secretResourceVersion: String?) {
            self.generation = generation
            self.secretResourceVersion = secretResourceVersion
        }
    }

    private struct Entry {
        var writer: any StateStoreWriter
        var fingerprint: Fingerprint
    }

    private var entries: [StoreKey: Entry] = [:]
    private var busy: Set<StoreKey> = []
    private var waiters: [StoreKey: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// The registered writer, or nil when the store is not ready.
    public func writer(for key: StoreKey) -> (any StateStoreWriter)? {
        entries[key]?.writer
    }

    /// The registered writer when it was built from exactly this fingerprint.
    public func writer(for key: StoreKey, fingerprint: Fingerprint) -> (any StateStoreWriter)? {
        guard let entry = entries[key], entry.fingerprint == fingerprint else { return nil }
        return entry.writer
    }

    public func fingerprint(for key: StoreKey) -> Fingerprint? {
        entries[key]?.fingerprint
    }

    public func register(_ writer: any StateStoreWriter, for key: StoreKey, fingerprint: Fingerprint) {
        entries[key] = Entry(writer: writer, fingerprint: fingerprint)
    }

    public func remove(_ key: StoreKey) {
        entries[key] = nil
    }

    /// Runs `body` with the store's lock held.
    public func withLock<T: Sendable, E: Error>(_ key: StoreKey, _ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    /// Runs `body` with the store's registered writer and its lock held; nil when the store is not
    /// ready (a cache miss).
    public func withWriter<T: Sendable, E: Error>(_ key: StoreKey, _ body: @Sendable (any StateStoreWriter) async throws(E) -> T) async throws(E) -> T? {
        guard entries[key] != nil else { return nil }
        await acquire(key)
        defer { release(key) }
        // Looked up again: the entry may have been replaced or dropped while this caller waited.
        guard let writer = entries[key]?.writer else { return nil }
        return try await body(writer)
    }

    private func acquire(_ key: StoreKey) async {
        if busy.insert(key).inserted { return }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    /// Hands the lock to the next waiter (which then owns it) or frees it.
    private func release(_ key: StoreKey) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(key)
        }
    }
}
