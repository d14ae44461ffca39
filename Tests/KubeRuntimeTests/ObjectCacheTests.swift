import KubeModel
import Testing

@testable import KubeRuntime

@Suite struct ObjectCacheTests {
    func object(_ name: String, namespace: String = "ns", rv: String = "1", labels: [String: String] = [:], owner: String? = nil) -> KubeObject {
        var o = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
        o.resourceVersion = rv
        var metadata = o.json["metadata"]?.objectValue ?? [:]
        if !labels.isEmpty { metadata["labels"] = .object(JSONObject(uniqueKeysWithValues: labels.map { ($0.key, JSONValue.string($0.value)) })) }
        if let owner { metadata["ownerReferences"] = .array([.object(["uid": .string(owner), "kind": "Thing", "name": "t", "apiVersion": "v1"])]) }
        metadata["managedFields"] = .array([.object(["manager": "kubectl"])])
        o.json["metadata"] = .object(metadata)
        return o
    }

    @Test func indexesFollowUpdatesAndDeletes() {
        let cache = ObjectCache()
        cache.addLabelIndex("app")
        cache.apply(object("a", labels: ["app": "x"], owner: "u1"))
        cache.apply(object("b", namespace: "other", labels: ["app": "x"]))
        #expect(cache.byIndex("label:app", "x").count == 2)
        #expect(cache.byIndex(ObjectCache.ownerIndex, "u1").map(\.name) == ["a"])
        #expect(cache.list(namespace: "other").map(\.name) == ["b"])
        cache.apply(object("a", rv: "2", labels: ["app": "y"]))
        #expect(cache.byIndex("label:app", "x").map(\.name) == ["b"])
        #expect(cache.byIndex("label:app", "y").map(\.name) == ["a"])
        #expect(cache.byIndex(ObjectCache.ownerIndex, "u1").isEmpty)
        cache.delete(object("b", namespace: "other"))
        #expect(cache.byIndex("label:app", "x").isEmpty)
        #expect(cache.count == 1)
    }

    @Test func managedFieldsAreNotKept() {
        let cache = ObjectCache()
        cache.apply(object("a"))
        #expect(cache.get(namespace: "ns", name: "a")?.json["metadata"]?["managedFields"] == nil)
    }

    @Test func replaceReportsWhatChangedIncludingVanishedObjects() {
        let cache = ObjectCache()
        cache.apply(object("keep"))
        cache.apply(object("change"))
        cache.apply(object("vanish"))
        let changes = cache.replace(with: [object("keep"), object("change", rv: "2"), object("new")])
        var added: [String] = [], updated: [String] = [], deleted: [String] = []
        for change in changes {
            switch change {
            case .added(let o): added.append(o.name ?? "")
            case .updated(_, let o): updated.append(o.name ?? "")
            case .deleted(let o): deleted.append(o.name ?? "")
            }
        }
        #expect(added == ["new"])
        #expect(updated == ["change"])
        #expect(deleted == ["vanish"])
        #expect(Set(cache.keys.map(\.name)) == ["keep", "change", "new"])
    }

    /// A relist's snapshot is older than what this process wrote after it was taken: the written
    /// objects stay (a reconcile must see the Job it just created), deleted ones stay deleted.
    @Test func aRelistKeepsWhatWasWrittenAfterItsSnapshot() {
        let cache = ObjectCache()
        cache.apply(object("old", rv: "3"))
        cache.apply(object("updated", rv: "4"))
        cache.delete(object("deleted", rv: "9"))
        // Written after the list at 5: created at 7, updated at 8.
        _ = cache.applyIfNewer(object("created", rv: "7"))
        _ = cache.applyIfNewer(object("updated", rv: "8"))
        let changes = cache.replace(with: [object("old", rv: "3"), object("updated", rv: "4"), object("deleted", rv: "5")], listedAt: "5")
        #expect(changes.isEmpty)
        #expect(Set(cache.keys.map(\.name)) == ["old", "updated", "created"])
        #expect(cache.get(namespace: "ns", name: "updated")?.resourceVersion == "8")
        // Objects older than the list that it lacks were deleted meanwhile.
        let later = cache.replace(with: [object("updated", rv: "8")], listedAt: "10")
        #expect(later.count == 2)
        #expect(Set(cache.keys.map(\.name)) == ["updated"])
    }
}
