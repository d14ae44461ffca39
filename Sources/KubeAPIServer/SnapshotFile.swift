import CZlib
import Foundation

/// The storage snapshot written as a stream: one checksummed line (``JournalRecord``'s form) put
/// on the disk in chunks, its CRC-32 computed as it goes, so writing a snapshot costs a chunk of
/// memory rather than the store's size twice over.
///
/// Atomic as before: a temporary file, synced, renamed over the snapshot, and the directory synced.
struct SnapshotFile: ~Copyable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var checksum: uLong = CZlib.crc32(0, nil, 0)
    /// The first failed chunk write: remembered and thrown by ``finish()``; nothing after it is written.
    private var failure: (any Error)?
    private static let chunk = 1 << 20

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.chunk)
    }

    /// Writes the line `body` appends (the JSON; the checksum and newline follow) to `path`.
    static func write(to path: String, _ body: (inout SnapshotFile) throws -> Void) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var file = SnapshotFile(descriptor: fd)
        try body(&file)
        try file.finish()
        try publish(temporary, as: path, synced: fd)
    }

    mutating func append(_ text: String) {
        append(Array(text.utf8))
    }

    mutating func append(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
        guard buffer.count >= Self.chunk else { return }
        do {
            try drain()
        } catch {
            failure = error
        }
    }

    /// Writes the buffer (the JSON only goes into the checksum).
    private mutating func drain(checksummed: Bool = true) throws {
        if checksummed {
            checksum = buffer.withUnsafeBufferPointer { CZlib.crc32(checksum, $0.baseAddress, uInt($0.count)) }
        }
        try FileDescriptorWriter.writeAll(buffer, to: descriptor)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The rest of the JSON, then a tab, the checksum in eight hex digits and a newline.
    private mutating func finish() throws {
        if let failure { throw failure }
        try drain()
        let digits = String(UInt32(truncatingIfNeeded: checksum), radix: 16)
        buffer = Array(("\t" + String(repeating: "0", count: 8 - digits.count) + digits + "\n").utf8)
        try drain(checksummed: false)
    }

    /// Syncs `temporary`, renames it to `path`, and syncs the directory.
    static func publish(_ temporary: String, as path: String, synced fd: Int32) throws {
        guard fsync(fd) == 0, rename(temporary, path) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}
