import Testing

@testable import KubeAPIServer
@testable import KubeModel

@Suite struct GarbageCollectionTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!
    let jobs = BuiltinResources.all.first { $0.plural == "jobs" }!

    private func setUp(_ store: ObjectStore, childFinalizer: Bool = false) async throws -> String {
        // A valid Job (the server checks its pod template, as a real one does).
        let spec: JSONValue = ["template": ["spec": ["restartPolicy": "Never", "containers": [["name": "c", "image": "busybox"]]]]]
        let owner = try await store.create(jobs, namespace: "default", object: ["metadata": ["name": "owner"], "spec": spec], dryRun: false)
        let uid = KubeObject(owner).uid!
        var childMeta: JSONObject = ["name": "child", "ownerReferences": [["apiVersion": "batch/v1", "kind": "Job", "name": "owner", "uid": .string(uid), "blockOwnerDeletion": true]]]
        if childFinalizer { childMeta["finalizers"] = ["example.com/hold"] }
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": .object(childMeta)], dryRun: false)
        return uid
    }

    @Test func backgroundDeletesDependents() async throws {
        let store = ObjectStore()
        _ = try await setUp(store)
        _ = try await store.delete(jobs, namespace: "default", name: "owner", dryRun: false)
        await #expect(throws: APIError.self) { try await store.get(configMaps, namespace: "default", name: "child") }
    }

    @Test func orphanKeepsDependentsWithoutTheReference() async throws {
        let store = ObjectStore()
        _ = try await setUp(store)
        _ = try await store.delete(jobs, namespace: "default", name: "owner", propagation: .orphan, dryRun: false)
        let child = try await store.get(configMaps, namespace: "default", name: "child")
        #expect(child["metadata"]?["ownerReferences"] == nil)
    }

    @Test func foregroundWaitsForDependents() async throws {
        let store = ObjectStore()
        _ = try await setUp(store, childFinalizer: true)
        let deleting = try await store.delete(jobs, namespace: "default", name: "owner", propagation: .foreground, dryRun: false)
        #expect(KubeObject(deleting).deletionTimestamp != nil)
        #expect(deleting["metadata"]?["finalizers"] == ["foregroundDeletion"])
        // The child is terminating, held by its finalizer; the owner waits.
        var child = try await store.get(configMaps, namespace: "default", name: "child")
        #expect(KubeObject(child).deletionTimestamp != nil)
        _ = try await store.get(jobs, namespace: "default", name: "owner")
        child["metadata"]?["finalizers"] = []
        _ = try await store.update(configMaps, namespace: "default", name: "child", object: child, subresource: nil, dryRun: false)
        await #expect(throws: APIError.self) { try await store.get(jobs, namespace: "default", name: "owner") }
    }
}
