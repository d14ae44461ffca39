import Synchronization

/// Recently seen long string values, shared.
///
/// Many values repeat across the objects a process keeps for long (the API server's store, the
/// informer caches): `apiVersion`s, finalizers, condition reasons and messages, Event sources,
/// reasons and messages, and timestamps, which every object written in the same second shares.
/// Each longer than 15 UTF-8 bytes is a heap string of its own per object unless shared.
///
/// Unlike ``JSONKeys`` the values are open-ended (names and uids never repeat), so this is a
/// direct-mapped table: a value's hash picks one slot, an equal value there is shared, any other
/// takes the slot over. Memory is bounded by the slot count; a value seen again while it still
/// holds its slot (another object of the same second, the same reason) is one copy. (Values held
/// in a slot are ones this process parsed and keeps anyway; the table never shows them to anyone.)
enum JSONStringValues {
    /// Values from 16 up to this many bytes are shared; longer ones rarely repeat.
    static let maximumLength = 96
    private static let slotCount = 4_096
    private static let slots = Mutex<[String?]>(Array(repeating: nil, count: slotCount))

    /// The shared string for `bytes` (valid UTF-8 without escapes).
    static func shared(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.count > 15, bytes.count <= maximumLength else { return String(decoding: bytes, as: UTF8.self) }
        // FNV-1a: cheap, and enough to spread values over the slots.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let slot = Int(hash % UInt64(slotCount))
        return slots.withLock { slots in
            if let existing = slots[slot], existing.utf8.elementsEqual(bytes) { return existing }
            let value = String(decoding: bytes, as: UTF8.self)
            slots[slot] = value
            return value
        }
    }
}
