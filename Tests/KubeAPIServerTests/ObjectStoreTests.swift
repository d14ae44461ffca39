import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct ObjectStoreTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!

    @Test func createSetsServerFieldsAndRejectsDuplicates() async throws {
        let store = ObjectStore()
        let created = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a"], "data": ["k": "v"]], dryRun: false)
        let meta = KubeObject(created)
        #expect(meta.uid != nil)
        #expect(meta.generation == nil, "a ConfigMap has no generation on a real 1.28 server")
        #expect(meta.resourceVersion != nil)
        #expect(created["kind"] == "ConfigMap")
        await #expect(throws: APIError.self) {
            try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a"]], dryRun: false)
        }
        let generated = try await store.create(configMaps, namespace: "default", object: ["metadata": ["generateName": "job-"]], dryRun: false)
        #expect(KubeObject(generated).name?.hasPrefix("job-") == true)
        #expect(KubeObject(generated).name?.count == 9)
    }

    @Test func updatesUseOptimisticConcurrencyAndBumpGenerationOnlyForSpec() async throws {
        let store = ObjectStore()
        let deployments = BuiltinResources.all.first { $0.plural == "deployments" }!
        let deployment: JSONObject = [
            "metadata": ["name": "a"],
            "spec": ["selector": ["matchLabels": ["app": "a"]], "template": ["metadata": ["labels": ["app": "a"]], "spec": ["containers": [["name": "c", "image": "nginx"]]]]],
        ]
        _ = try await store.create(deployments, namespace: "default", object: deployment, dryRun: false)
        // Read back: the Deployment controller has written its status since.
        let created = try await store.get(deployments, namespace: "default", name: "a")
        #expect(KubeObject(created).generation == 1)
        var changed = created
        changed["spec"]?["replicas"] = 3
        let updated = try await store.update(deployments, namespace: "default", name: "a", object: changed, subresource: nil, dryRun: false)
        #expect(KubeObject(updated).generation == 2)
        #expect(KubeObject(updated).resourceVersion != KubeObject(created).resourceVersion)
        // A write based on the old version conflicts.
        await #expect {
            try await store.update(deployments, namespace: "default", name: "a", object: changed, subresource: nil, dryRun: false)
        } throws: { ($0 as? APIError)?.code == 409 }
        // Metadata-only change: same generation.
        var labelled = try await store.get(deployments, namespace: "default", name: "a")  // the controller wrote status since
        labelled["metadata"]?["labels"] = ["x": "y"]
        let relabelled = try await store.update(deployments, namespace: "default", name: "a", object: labelled, subresource: nil, dryRun: false)
        #expect(KubeObject(relabelled).generation == 2)
    }

    @Test func finalizersHoldDeletionUntilRemoved() async throws {
        let store = ObjectStore()
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a", "finalizers": ["kratix.io/test"]]], dryRun: false)
        let deleting = try await store.delete(configMaps, namespace: "default", name: "a", dryRun: false)
        #expect(KubeObject(deleting).deletionTimestamp != nil)
        var current = try await store.get(configMaps, namespace: "default", name: "a")
        // No new finalizers once deleting.
        var withMore = current
        withMore["metadata"]?["finalizers"] = ["kratix.io/test", "another"]
        await #expect(throws: APIError.self) {
            try await store.update(configMaps, namespace: "default", name: "a", object: withMore, subresource: nil, dryRun: false)
        }
        current["metadata"]?["finalizers"] = []
        _ = try await store.update(configMaps, namespace: "default", name: "a", object: current, subresource: nil, dryRun: false)
        await #expect { try await store.get(configMaps, namespace: "default", name: "a") } throws: { ($0 as? APIError)?.code == 404 }
    }

    @Test func patchesThroughTheHandler() async throws {
        let store = ObjectStore()
        let handler = APIHandler(store: store)
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a"], "data": ["k": "v", "drop": "me"]], dryRun: false)
        var response = await handler.handle(APIRequest(
            method: "PATCH", target: "/api/v1/namespaces/default/configmaps/a",
            headers: [("Content-Type", "application/merge-patch+json")], body: Array(#"{"data":{"drop":null,"new":"1"}}"#.utf8)))
        #expect(response.status == 200)
        #expect(try JSONParser.parse(response.body)["data"] == ["k": "v", "new": "1"])
        response = await handler.handle(APIRequest(
            method: "PATCH", target: "/api/v1/namespaces/default/configmaps/a",
            headers: [("Content-Type", "application/json-patch+json")], body: Array(#"[{"op":"replace","path":"/data/k","value":"z"}]"#.utf8)))
        #expect(response.status == 200)
        #expect(try JSONParser.parse(response.body)[path: ["data", "k"]] == "z")
        response = await handler.handle(APIRequest(method: "GET", target: "/api/v1/namespaces/default/configmaps/nope"))
        #expect(response.status == 404)
        #expect(try JSONParser.parse(response.body)["reason"] == "NotFound")
    }

    @Test func jsonPatchOperations() throws {
        let doc: JSONValue = ["a": [1, 2], "b": ["c": "d"]]
        let patched = try JSONPatch.apply([
            ["op": "add", "path": "/a/-", "value": 3],
            ["op": "remove", "path": "/b/c"],
            ["op": "copy", "from": "/a/0", "path": "/first"],
            ["op": "test", "path": "/first", "value": 1],
        ], to: doc)
        #expect(patched == ["a": [1, 2, 3], "b": [:], "first": 1])
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply([["op": "test", "path": "/a/0", "value": 9]], to: doc) }
        #expect(JSONMergePatch.apply(["b": nil, "x": ["y": 1]], to: doc) == ["a": [1, 2], "x": ["y": 1]])
    }

    @Test func storedSizesCountEachResourcesObjectsAndTheirJSON() async throws {
        let store = ObjectStore()
        let before = await store.storedSizes().first { $0.groupResource == "configmaps" }?.count ?? 0
        let a = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "a"], "data": ["k": "v"]], dryRun: false)
        let b = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "b"], "data": ["k": .string(String(repeating: "x", count: 200_000))]], dryRun: false)
        let sizes = await store.storedSizes()
        let configMapSize = try #require(sizes.first { $0.groupResource == "configmaps" })
        #expect(configMapSize.count == before + 2)
        let written = JSONValue.object(a).serializedBytes().count + JSONValue.object(b).serializedBytes().count
        #expect(configMapSize.jsonBytes >= written, "both objects' JSON is counted")
        #expect(sizes.first?.groupResource == "configmaps", "the largest resource comes first")
    }
}
