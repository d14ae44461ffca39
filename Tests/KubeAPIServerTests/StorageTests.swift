import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct StorageTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!

    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kratix-storage-\(UUID().uuidString)").path
    }

    /// A change is serialized once for the journal and the watchers: the lines made from those
    /// shared bytes are the lines made from the object.
    @Test func sharedSerializationWritesTheSameLines() throws {
        let object: JSONObject = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a \"quoted\" name", "namespace": "default"], "data": ["k": "v\n"]]
        var record = JournalRecord(revision: 7, groupResource: "configmaps", key: "default/a", object: object)
        let plain = record.encoded()
        record.objectBytes = JSONValue.object(object).serializedBytes()
        #expect(record.encoded() == plain)
        #expect(JournalRecord(revision: 8, groupResource: "configmaps", key: "default/a", object: nil).encoded().count > 0)
        let event = WatchEvent(type: .modified, object: object)
        let shared = WatchEvent(type: .modified, object: object, objectBytes: JSONValue.object(object).serializedBytes())
        #expect(shared.line == event.line)
    }

    @Test func objectsAndResourceVersionsSurviveARestart() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lastVersion = ""
        do {
            let store = try ObjectStore(dataDirectory: directory)
            _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "kept"], "data": ["a": "1"]], dryRun: false)
            let gone = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "gone"]], dryRun: false)
            _ = try await store.delete(configMaps, namespace: "default", name: KubeObject(gone).name!, dryRun: false)
            lastVersion = await store.currentResourceVersion
        }
        let reopened = try ObjectStore(dataDirectory: directory)
        let kept = try await reopened.get(configMaps, namespace: "default", name: "kept")
        #expect(kept["data"] == ["a": "1"])
        await #expect(throws: APIError.self) { try await reopened.get(configMaps, namespace: "default", name: "gone") }
        #expect(await reopened.currentResourceVersion == lastVersion)
        let next = try await reopened.create(configMaps, namespace: "default", object: ["metadata": ["name": "after"]], dryRun: false)
        #expect(Int64(KubeObject(next).resourceVersion!)! > Int64(lastVersion)!)
        // A watch from before the restart cannot be served from memory: 410, so clients relist.
        await #expect { try await reopened.watch(configMaps, filter: WatchFilter(), resourceVersion: "3") } throws: { ($0 as? APIError)?.code == 410 }
    }

    @Test func customResourceDefinitionsAreServedAfterARestart() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let crds = BuiltinResources.all.first { $0.plural == "customresourcedefinitions" }!
        let text = try String(contentsOf: TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_destinations.yaml"), encoding: .utf8)
        let crd = try YAMLReader.singleDocument(in: text)
        do {
            let store = try ObjectStore(dataDirectory: directory)
            _ = try await store.create(crds, namespace: nil, object: crd.objectValue!, dryRun: false)
        }
        let reopened = try ObjectStore(dataDirectory: directory)
        #expect(await reopened.resource(group: "platform.kratix.io", version: "v1alpha1", plural: "destinations") != nil)
    }

    private func create(_ store: ObjectStore, _ name: String) async throws {
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": .string(name)], "data": ["k": "v"]], dryRun: false)
    }

    private func exists(_ store: ObjectStore, _ name: String) async -> Bool {
        (try? await store.get(configMaps, namespace: "default", name: name)) != nil
    }

    /// A power cut during an append leaves half a line. It was never acknowledged: the next start
    /// cuts it off, so the next write starts on a line of its own and survives the restart after.
    @Test func aTornTailThenAWriteThenARestartKeepsThatWrite() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do { try await create(try ObjectStore(dataDirectory: directory), "whole") }
        let journal = FileHandle(forWritingAtPath: directory + "/journal.jsonl")!
        journal.seekToEndOfFile()
        journal.write(Data(#"{"rv":999,"gr":"configmaps","key":"default/torn","obj"#.utf8))
        try journal.close()
        do {
            let reopened = try ObjectStore(dataDirectory: directory)
            #expect(await exists(reopened, "whole"))
            #expect(await !exists(reopened, "torn"))
            try await create(reopened, "after")
        }
        let again = try ObjectStore(dataDirectory: directory)
        #expect(await exists(again, "whole"))
        #expect(await exists(again, "after"), "the write after the torn tail survived the next restart")
    }

    /// One flipped byte in a record that is not the last: the start stops, naming the file, the
    /// line and the offset, and changes nothing on the disk.
    @Test func aFlippedByteInTheMiddleStopsTheStartWithFileLineAndOffset() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try ObjectStore(dataDirectory: directory)
            for name in ["one", "two", "three"] { try await create(store, name) }
        }
        let path = directory + "/journal.jsonl"
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        let firstEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        let secondLine = bytes[(firstEnd + 1)...]
        // The "two" of the second record becomes "twp": still JSON, but not what was written.
        let target = secondLine.indices.first { bytes[$0...].starts(with: Array(#""two""#.utf8)) }! + 3
        bytes[target] = UInt8(ascii: "p")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try ObjectStore(dataDirectory: directory)
        } throws: { error in
            guard let corruption = error as? StorageCorruption else { return false }
            return corruption.file == path && corruption.line == 2 && corruption.offset == firstEnd + 1
                && corruption.reason.contains("checksum mismatch") && "\(corruption)".contains("--repair-storage")
        }
        #expect([UInt8](FileManager.default.contents(atPath: path)!) == bytes, "a refused start changes nothing")
    }

    /// `--repair-storage`: every intact record is kept, the damaged one is moved aside, and the
    /// journal is clean for the next start.
    @Test func theRepairPathKeepsEveryIntactRecord() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try ObjectStore(dataDirectory: directory)
            for name in ["one", "two", "three", "four"] { try await create(store, name) }
        }
        let path = directory + "/journal.jsonl"
        var lines = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        lines[1] = "garbage that was never a record"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        do {
            let repaired = try ObjectStore(dataDirectory: directory, repairStorage: true)
            for name in ["one", "three", "four"] { #expect(await exists(repaired, name)) }
            #expect(await !exists(repaired, "two"))
            try await create(repaired, "five")
        }
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("journal.jsonl.damaged-") }
        #expect(aside.count == 1)
        let moved = String(decoding: FileManager.default.contents(atPath: directory + "/" + aside[0])!, as: UTF8.self)
        #expect(moved == "garbage that was never a record\n")
        let again = try ObjectStore(dataDirectory: directory)
        for name in ["one", "three", "four", "five"] { #expect(await exists(again, name)) }
    }

    @Test func aJournalOfGarbageStopsTheStartAtItsFirstLine() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do { try await create(try ObjectStore(dataDirectory: directory), "one") }
        try Data("garbage\nmore garbage\n".utf8).write(to: URL(fileURLWithPath: directory + "/journal.jsonl"))
        #expect { _ = try ObjectStore(dataDirectory: directory) } throws: { ($0 as? StorageCorruption)?.line == 1 }
    }

    @Test func aDamagedSnapshotIsNamedAndCanBeMovedAside() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do { try await create(try ObjectStore(dataDirectory: directory), "in-journal") }
        let snapshot = directory + "/snapshot.json"
        var bytes = [UInt8](FileManager.default.contents(atPath: snapshot)!)
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: snapshot))
        #expect { _ = try ObjectStore(dataDirectory: directory) } throws: { ($0 as? StorageCorruption)?.file == snapshot }
        let repaired = try ObjectStore(dataDirectory: directory, repairStorage: true)
        #expect(await exists(repaired, "in-journal"), "the journal's records are kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).contains { $0.hasPrefix("snapshot.json.damaged-") })
    }

    /// Group commit: concurrent writes share fsyncs, every one is acknowledged only when durable
    /// (all are there after a restart), and a watch sees each change once, in order.
    @Test func concurrentWritesShareSyncsAndWatchersSeeEachChangeOnceInOrder() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writes = 200
        do {
            let store = try ObjectStore(dataDirectory: directory)
            let start = await store.currentResourceVersion
            let events = try await store.watch(configMaps, filter: WatchFilter(), resourceVersion: start)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<writes { group.addTask { try await self.create(store, "cm-\(i)") } }
                try await group.waitForAll()
            }
            #expect(await store.storageSyncCount < writes, "fsyncs were shared")
            var revisions: [Int64] = []
            for await event in events {
                revisions.append(Int64(KubeObject(event.object).resourceVersion ?? "") ?? 0)
                if revisions.count == writes { break }
            }
            #expect(revisions == revisions.sorted() && Set(revisions).count == writes)
        }
        let reopened = try ObjectStore(dataDirectory: directory)
        #expect(await reopened.list(configMaps, filter: WatchFilter(namespace: "default")).items.count == writes)
    }
    /// The snapshot is streamed in chunks with a running checksum: one bigger than a chunk loads
    /// back equal, and the records buffered after it (one waited for, one never waited for, so
    /// written when the journal closes) come back too.
    @Test func aStreamedSnapshotAndTheRecordsAfterItComeBack() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var objects: [String: [String: JSONObject]] = [:]
        for i in 0..<3_000 {
            objects["configmaps", default: [:]]["default/cm-\(i)"] = [
                "metadata": ["name": .string("cm-\(i)"), "namespace": "default"],
                "data": ["text": .string(String(repeating: "quote \" backslash \\ newline \n ", count: 12))],
            ]
        }
        do {
            let journal = try StorageJournal(directory: directory)
            _ = try journal.load()
            try journal.compact(objects: objects, revision: 3_000)
            #expect((try FileManager.default.attributesOfItem(atPath: journal.snapshotPath)[.size] as? Int ?? 0) > 1 << 20,
                    "the snapshot spans more than one chunk")
            try journal.append(JournalRecord(revision: 3_001, groupResource: "secrets", key: "default/waited", object: ["metadata": ["name": "waited"]]))
            try await journal.sync.waitDurable(3_001)
            try journal.append(JournalRecord(revision: 3_002, groupResource: "secrets", key: "default/closing", object: ["metadata": ["name": "closing"]]))
        }
        let (loaded, revision) = try StorageJournal(directory: directory).load()
        #expect(revision == 3_002)
        #expect(loaded["configmaps"] == objects["configmaps"])
        #expect(loaded["secrets"]?.keys.sorted() == ["default/closing", "default/waited"])
    }
}
