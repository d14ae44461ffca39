import Foundation
import KubeModel

/// Durable storage for ``ObjectStore``: a snapshot plus an append-only journal of commits.
///
/// Every commit is appended (one JSON line) and flushed to the disk before the write is
/// acknowledged, so a killed process loses nothing it answered. On start the snapshot is loaded and
/// the journal replayed; once the journal grows past `compactionThreshold` lines a new snapshot is
/// written atomically and the journal starts again. Not shared across tasks: owned by the store actor.
final class StorageJournal {
    struct Entry {
        var revision: Int64
        var groupResource: String
        var key: String
        var object: JSONObject?
    }

    let directory: String
    private var handle: FileHandle
    private var linesSinceSnapshot = 0
    private let compactionThreshold: Int
    private let synchronous: Bool

    var journalPath: String { (directory as NSString).appendingPathComponent("journal.jsonl") }
    var snapshotPath: String { (directory as NSString).appendingPathComponent("snapshot.json") }

    init(directory: String, compactionThreshold: Int = 50_000, synchronous: Bool = true) throws {
        self.directory = directory
        self.compactionThreshold = compactionThreshold
        self.synchronous = synchronous
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent("journal.jsonl")
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// The stored state: objects by group-resource and key, and the last revision.
    func load() throws -> (objects: [String: [String: JSONObject]], revision: Int64) {
        var objects: [String: [String: JSONObject]] = [:]
        var revision: Int64 = 0
        var snapshotRevision: Int64 = 0
        if let data = FileManager.default.contents(atPath: snapshotPath), !data.isEmpty {
            let snapshot = try JSONParser.parse([UInt8](data))
            revision = snapshot["revision"]?.intValue ?? 0
            snapshotRevision = revision
            for (groupResource, entries) in snapshot["objects"]?.objectValue ?? [:] {
                for (key, object) in entries.objectValue ?? [:] {
                    if case .object(let o) = object { objects[groupResource, default: [:]][key] = o }
                }
            }
        }
        if let data = FileManager.default.contents(atPath: journalPath) {
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                // A torn last line (the process died mid-write) was never acknowledged: skip it.
                guard let entry = try? JSONParser.parse([UInt8](line)), let rv = entry["rv"]?.intValue,
                    let gr = entry["gr"]?.stringValue, let key = entry["key"]?.stringValue
                else { continue }
                // Entries already in the snapshot (a crash between writing it and emptying the
                // journal) must not be applied again over newer state.
                guard rv > snapshotRevision else { continue }
                if case .object(let o)? = entry["object"] {
                    objects[gr, default: [:]][key] = o
                } else {
                    objects[gr]?[key] = nil
                }
                revision = max(revision, rv)
                linesSinceSnapshot += 1
            }
        }
        return (objects, revision)
    }

    func append(_ entry: Entry) throws {
        var line: JSONObject = ["rv": .int(entry.revision), "gr": .string(entry.groupResource), "key": .string(entry.key)]
        line["object"] = entry.object.map(JSONValue.object) ?? .null
        var bytes = JSONValue.object(line).serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: bytes)
        if synchronous { try handle.synchronize() }
        linesSinceSnapshot += 1
    }

    var needsCompaction: Bool { linesSinceSnapshot >= compactionThreshold }

    /// Writes a snapshot of `objects` atomically, then empties the journal.
    func compact(objects: [String: [String: JSONObject]], revision: Int64) throws {
        var all = JSONObject()
        for (groupResource, entries) in objects {
            var o = JSONObject()
            for (key, object) in entries { o[key] = .object(object) }
            all[groupResource] = .object(o)
        }
        let snapshot: JSONValue = ["revision": .int(revision), "objects": .object(all)]
        let temporary = snapshotPath + ".tmp"
        let data = Data(snapshot.serializedBytes())
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if let h = FileHandle(forWritingAtPath: temporary) {
            try h.synchronize()
            try h.close()
        }
        guard rename(temporary, snapshotPath) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: snapshotPath])
        }
        try handle.truncate(atOffset: 0)
        try handle.synchronize()
        linesSinceSnapshot = 0
    }
}
