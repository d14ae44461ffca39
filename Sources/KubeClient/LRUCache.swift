import DequeModule
import KubeModel

/// A dictionary that keeps at most `capacity` entries, dropping the least recently used.
///
/// Every use is O(1) amortized (an Event recorder touches it on every Event): a use appends the key
/// with a new stamp to `order` instead of moving it, eviction skips the stale stamps it meets, and
/// `order` is rebuilt without them once it has grown to twice the capacity.
struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var entries: [Key: (value: Value, stamp: UInt64)] = [:]
    /// Keys in the order of their uses, oldest first; an entry counts only while its stamp is the key's.
    private var order = Deque<(key: Key, stamp: UInt64)>()
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The value, marking it as most recently used.
    mutating func get(_ key: Key) -> Value? {
        guard let value = entries[key]?.value else { return nil }
        use(key, value)
        return value
    }

    mutating func set(_ key: Key, _ value: Value) {
        use(key, value)
        while entries.count > capacity, let oldest = order.popFirst() {
            if entries[oldest.key]?.stamp == oldest.stamp { entries[oldest.key] = nil }
        }
    }

    mutating func remove(_ key: Key) {
        entries[key] = nil
    }

    private mutating func use(_ key: Key, _ value: Value) {
        clock += 1
        entries[key] = (value, clock)
        order.append((key, clock))
        if order.count > 2 * capacity + 16 {
            order = Deque(order.filter { entries[$0.key]?.stamp == $0.stamp })
        }
    }
}
