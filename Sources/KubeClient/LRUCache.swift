import KubeModel

/// A dictionary that keeps at most `capacity` entries, dropping the least recently used.
struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var entries: OrderedDictionary<Key, Value> = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The value, marking it as most recently used.
    mutating func get(_ key: Key) -> Value? {
        guard let value = entries.removeValue(forKey: key) else { return nil }
        entries[key] = value
        return value
    }

    mutating func set(_ key: Key, _ value: Value) {
        entries.removeValue(forKey: key)
        entries[key] = value
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    mutating func remove(_ key: Key) {
        entries.removeValue(forKey: key)
    }
}
