import Synchronization

/// One shared copy of each long object key.
///
/// Keys come from schemas, so few distinct ones occur, each in every object of a kind. Swift keeps
/// strings of up to 15 UTF-8 bytes inline, but a longer key (`creationTimestamp`,
/// `lastTransitionTime`, a label key, a managed-fields key such as `f:kratix.io/promise-name`)
/// is a heap string of its own in every object that has it. Interning them makes every object
/// kept for long (the API server's store, informer caches) share one copy.
///
/// Bounded: after `capacity` distinct keys, new ones are returned as they are, so input with
/// endless distinct keys cannot grow the table.
public enum JSONKeys {
    public static let capacity = 4_096
    private static let table = Mutex<[String: String]>([:])

    /// The shared copy of `key`, which becomes shared if the table has room.
    @inline(__always)
    public static func shared(_ key: String) -> String {
        // Short keys are stored inline: nothing to share.
        guard key.utf8.count > 15 else { return key }
        return intern(key)
    }

    private static func intern(_ key: String) -> String {
        table.withLock { table in
            if let existing = table[key] { return existing }
            if table.count < capacity { table[key] = key }
            return key
        }
    }

    /// How many keys are shared (for tests).
    public static var count: Int { table.withLock { $0.count } }
}
