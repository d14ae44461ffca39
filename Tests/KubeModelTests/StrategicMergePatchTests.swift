import Testing

@testable import KubeModel

@Suite struct StrategicMergePatchTests {
    let pod: JSONValue = [
        "metadata": ["finalizers": ["a"]],
        "spec": ["containers": [["name": "main", "image": "x:1", "env": [["name": "A", "value": "1"]]], ["name": "side", "image": "y"]]],
    ]

    @Test func mergesListsByKey() {
        let patched = StrategicMergePatch.apply(["spec": ["containers": [["name": "main", "image": "x:2"]]]], to: pod)
        #expect(patched[path: ["spec", "containers"]] == [["name": "main", "image": "x:2", "env": [["name": "A", "value": "1"]]], ["name": "side", "image": "y"]])
    }

    @Test func honoursDirectives() {
        let deleted = StrategicMergePatch.apply(["spec": ["containers": [["name": "side", "$patch": "delete"]]]], to: pod)
        #expect(deleted[path: ["spec", "containers"]]?.arrayValue?.count == 1)
        let replaced = StrategicMergePatch.apply(["spec": ["$patch": "replace", "containers": [["name": "only"]]]], to: pod)
        #expect(replaced["spec"] == ["containers": [["name": "only"]]])
        let ordered = StrategicMergePatch.apply(["spec": ["$setElementOrder/containers": [["name": "side"], ["name": "main"]], "containers": [["name": "main", "image": "x:3"]]]], to: pod)
        #expect(ordered[path: ["spec", "containers"]]?.arrayValue?.map { $0["name"] } == ["side", "main"])
        let finalizers = StrategicMergePatch.apply(["metadata": ["finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]]], to: pod)
        #expect(finalizers[path: ["metadata", "finalizers"]] == ["b"])
        let retained = StrategicMergePatch.apply(["spec": ["$retainKeys": ["containers"], "containers": [["name": "main"]]]], to: ["spec": ["containers": [], "drop": 1]])
        #expect(retained["spec"] == ["containers": [["name": "main"]]])
    }

    @Test func listsWithoutAKeyAreReplacedAndNullDeletes() {
        let patched = StrategicMergePatch.apply(["spec": ["containers": [["name": "main", "args": ["b"]]]], "metadata": ["finalizers": nil]], to: ["spec": ["containers": [["name": "main", "args": ["a"]]]], "metadata": ["finalizers": ["x"]]])
        #expect(patched[path: ["spec", "containers"]] == [["name": "main", "args": ["b"]]])
        #expect(patched[path: ["metadata", "finalizers"]] == nil)
    }
}
