import Testing

@testable import KubeAPIServer
@testable import KubeModel

@Suite struct ServerSideApplyTests {
    @Test func fieldsAManagerStopsApplyingAreRemovedUnlessOthersOwnThem() throws {
        let first = try ServerSideApply.apply(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "labels": ["a": "1"]], "data": ["x": "1", "y": "2"]],
            to: nil, manager: "m", force: false, apiVersion: "v1", now: "2026-01-01T00:00:00Z")
        let second = try ServerSideApply.apply(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["x": "1"]],
            to: first, manager: "m", force: false, apiVersion: "v1", now: "2026-01-01T00:00:01Z")
        #expect(second["data"] == ["x": "1"])
        #expect(second["metadata"]?["labels"] == nil || second["metadata"]?["labels"] == [:])
        let entries = second["metadata"]?["managedFields"]?.arrayValue ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["fieldsV1"] == ["f:data": ["f:x": [:]]])
    }

    @Test func listsMergeByKeyAndConflictsNameTheField() throws {
        let base = try ServerSideApply.apply(
            ["spec": ["containers": [["name": "main", "image": "a"]]]],
            to: nil, manager: "one", force: false, apiVersion: "v1", now: "t")
        let owned = ManagedFields.decode(base["metadata"]?["managedFields"]?.arrayValue?.first?["fieldsV1"] ?? [:])
        let imagePath: ManagedFields.Path = ["f:spec", "f:containers", #"k:{"name":"main"}"#, "f:image"]
        #expect(owned.contains(imagePath))
        #expect(throws: APIError.self) {
            try ServerSideApply.apply(["spec": ["containers": [["name": "main", "image": "b"]]]], to: base, manager: "two", force: false, apiVersion: "v1", now: "t")
        }
        let added = try ServerSideApply.apply(["spec": ["containers": [["name": "side", "image": "s"]]]], to: base, manager: "two", force: false, apiVersion: "v1", now: "t")
        let names = JSONValue.object(added)[path: ["spec", "containers"]]?.arrayValue?.map { $0["name"] }
        #expect(names == ["main", "side"])
    }
}
