import Foundation
import KubeModel
import Logging

/// Durable storage for ``ObjectStore``: a snapshot plus an append-only journal of commits.
///
/// Every commit is appended as one checksummed line (``JournalRecord``); the write is acknowledged
/// once an fsync covering it has finished (``JournalSync``, one fsync per batch), so a killed
/// process loses nothing it answered. On start the snapshot is loaded and the journal replayed
/// (``load(repair:)``); once the journal grows past `compactionThreshold` lines a new snapshot is
/// written atomically and the journal starts again. Owned by the store actor; only `sync` is
/// shared with the requests that wait for it.
final class StorageJournal {
    let directory: String
    private let descriptor: Int32
    private var linesSinceSnapshot = 0
    private let compactionThreshold: Int
    private let logger: Logger
    /// Waits for durability (shared with the requests that wait).
    let sync: JournalSync

    var journalPath: String { (directory as NSString).appendingPathComponent("journal.jsonl") }
    var snapshotPath: String { (directory as NSString).appendingPathComponent("snapshot.json") }

    init(directory: String, compactionThreshold: Int = 50_000, logger: Logger = Logger(label: "kratix.apiserver.storage")) throws {
        self.directory = directory
        self.compactionThreshold = compactionThreshold
        self.logger = logger
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent("journal.jsonl")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(.init(rawValue: errno) ?? .EIO)])
        }
        self.descriptor = descriptor
        self.sync = JournalSync(descriptor: descriptor, durable: 0)
    }

    deinit {
        // Every commit is waited for, so the buffer is empty but for a store dropped mid-write.
        sync.flush()
        close(descriptor)
    }

    /// The stored state: objects by group-resource and key, and the last revision.
    ///
    /// A damaged last line is a torn append that was never acknowledged: it is cut off (and
    /// logged with its offset) so the next append starts on a clean line. Any other damage throws
    /// ``StorageCorruption``, unless `repair` is set: then every intact record is kept, the damaged
    /// ones are moved to a file beside the journal, and the journal is rewritten from the intact ones.
    func load(repair: Bool = false) throws -> (objects: [String: [String: JSONObject]], revision: Int64) {
        var objects: [String: [String: JSONObject]] = [:]
        var revision: Int64 = 0
        var snapshotRevision: Int64 = 0
        if let data = FileManager.default.contents(atPath: snapshotPath), !data.isEmpty {
            switch Self.parseSnapshot([UInt8](data), path: snapshotPath) {
            case .success(let snapshot):
                revision = snapshot["revision"]?.intValue ?? 0
                snapshotRevision = revision
                for (groupResource, entries) in snapshot["objects"]?.objectValue ?? [:] {
                    for (key, object) in entries.objectValue ?? [:] {
                        if case .object(let o) = object { objects[groupResource, default: [:]][key] = o }
                    }
                }
            case .failure(let corruption):
                guard repair else { throw corruption }
                let aside = try moveAside(snapshotPath)
                logger.error("storage: the snapshot was damaged and has been moved aside; objects only it held are lost",
                             metadata: ["file": "\(snapshotPath)", "movedTo": "\(aside)", "reason": "\(corruption.reason)"])
            }
        }
        let data = [UInt8](FileManager.default.contents(atPath: journalPath) ?? Data())
        let scan = JournalScan(data)
        var damaged = scan.damaged
        if let last = damaged.last, last.index == scan.lines.count - 1 {
            // The last line alone: a torn append. Cut back to the end of the last intact record.
            damaged.removeLast()
            guard truncate(journalPath, off_t(last.offset)) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: journalPath])
            }
            logger.warning("storage: cut a torn last record off the journal (an append the process did not finish; it was never acknowledged)",
                           metadata: ["file": "\(journalPath)", "offset": "\(last.offset)", "bytes": "\(data.count - last.offset)"])
        }
        if let first = damaged.first {
            guard repair else {
                throw StorageCorruption(file: journalPath, line: first.index + 1, offset: first.offset, reason: first.reason)
            }
            try rewriteWithoutDamage(data, scan: scan, damaged: damaged)
        }
        for record in scan.records {
            // Records already in the snapshot (a crash between writing it and emptying the
            // journal) must not be applied again over newer state.
            guard record.revision > snapshotRevision else { continue }
            if let object = record.object {
                objects[record.groupResource, default: [:]][record.key] = object
            } else {
                objects[record.groupResource]?[record.key] = nil
            }
            revision = max(revision, record.revision)
            linesSinceSnapshot += 1
        }
        sync.loaded(size: lseek(descriptor, 0, SEEK_END))
        sync.madeDurable(revision)
        return (objects, revision)
    }

    /// Buffers a record for the file; it is written and durable once `sync.waitDurable(revision)`
    /// returns (``JournalSync`` writes each batch with one syscall).
    func append(_ record: JournalRecord) throws {
        try sync.append(record.encoded(), revision: record.revision)
        linesSinceSnapshot += 1
    }

    var needsCompaction: Bool { linesSinceSnapshot >= compactionThreshold }

    /// Writes a snapshot of `objects` atomically, then empties the journal. Everything up to
    /// `revision` is durable afterwards.
    func compact(objects: [String: [String: JSONObject]], revision: Int64) throws {
        // Streamed object by object: the snapshot is never whole in memory (it is the size of
        // the store, and was twice that as one document and its checksummed line).
        try SnapshotFile.write(to: snapshotPath) { snapshot in
            snapshot.append(#"{"revision":\#(revision),"objects":{"#)
            for (index, (groupResource, entries)) in objects.enumerated() {
                if index > 0 { snapshot.append(",") }
                snapshot.append(JSONValue.string(groupResource).serializedBytes())
                snapshot.append(":{")
                for (position, (key, object)) in entries.enumerated() {
                    if position > 0 { snapshot.append(",") }
                    snapshot.append(JSONValue.string(key).serializedBytes())
                    snapshot.append(":")
                    snapshot.append(JSONValue.object(object).serializedBytes())
                }
                snapshot.append("}")
            }
            snapshot.append("}}")
        }
        try sync.replaceJournal(durableThrough: revision) { descriptor in
            guard ftruncate(descriptor, 0) == 0, fsync(descriptor) == 0 else {
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
        }
        linesSinceSnapshot = 0
    }

    // MARK: Damage

    /// The snapshot's document: checksummed like a journal line (or, from before checksums, plain JSON).
    private static func parseSnapshot(_ bytes: [UInt8], path: String) -> Result<JSONValue, StorageCorruption> {
        var line = bytes[...]
        if line.last == UInt8(ascii: "\n") { line = line.dropLast() }
        switch JournalRecord.verifiedJSON(line) {
        case .failure(let reason):
            return .failure(StorageCorruption(file: path, line: nil, offset: 0, reason: reason.text))
        case .success(let json):
            do {
                return .success(try JSONParser.parse(Array(json)))
            } catch {
                return .failure(StorageCorruption(file: path, line: nil, offset: error.offset, reason: "not JSON: \(error.message)"))
            }
        }
    }

    /// Moves the damaged lines to `journal.jsonl.damaged-TIME` and rewrites the journal with the intact ones.
    private func rewriteWithoutDamage(_ data: [UInt8], scan: JournalScan, damaged: [JournalScan.Damage]) throws {
        var aside: [UInt8] = []
        for damage in damaged { aside += scan.lines[damage.index] + [UInt8(ascii: "\n")] }
        let asidePath = journalPath + ".damaged-" + Self.stamp()
        try Self.writeAtomically(aside, to: asidePath)
        var kept: [UInt8] = []
        let damagedLines = Set(damaged.map(\.index))
        for (index, line) in scan.lines.enumerated() where !damagedLines.contains(index) && !line.isEmpty {
            kept += line + [UInt8(ascii: "\n")]
        }
        // The descriptor appends to the journal's inode: rewrite in place (truncate, write, sync)
        // after the damaged lines are safe beside it.
        guard ftruncate(descriptor, 0) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        try FileDescriptorWriter.writeAll(kept, to: descriptor)
        guard fsync(descriptor) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        logger.error("storage: repaired the journal; damaged records were moved aside",
                     metadata: ["file": "\(journalPath)", "damaged": "\(damaged.count)", "kept": "\(scan.records.count)",
                                "movedTo": "\(asidePath)", "firstDamagedLine": "\(damaged[0].index + 1)"])
    }

    private func moveAside(_ path: String) throws -> String {
        let aside = path + ".damaged-" + Self.stamp()
        guard rename(path, aside) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return aside
    }

    private static func stamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date())
    }

    /// Writes `bytes` to `path` through a synced temporary file and a rename, then syncs the directory.
    private static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try FileDescriptorWriter.writeAll(bytes, to: fd)
        try SnapshotFile.publish(temporary, as: path, synced: fd)
    }
}
