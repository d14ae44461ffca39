import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct StorageTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!

    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kratix-storage-\(UUID().uuidString)").path
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

    @Test func aTornLastLineIsIgnored() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try ObjectStore(dataDirectory: directory)
            _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "whole"]], dryRun: false)
        }
        let journal = FileHandle(forWritingAtPath: directory + "/journal.jsonl")!
        journal.seekToEndOfFile()
        journal.write(Data(#"{"rv":999,"gr":"configmaps","key":"default/torn","obj"#.utf8))
        try journal.close()
        let reopened = try ObjectStore(dataDirectory: directory)
        _ = try await reopened.get(configMaps, namespace: "default", name: "whole")
        await #expect(throws: APIError.self) { try await reopened.get(configMaps, namespace: "default", name: "torn") }
    }
}
