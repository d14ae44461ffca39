import Testing

@testable import KubeModel

/// Lists merge as the kind's schema says (issue 16 item 9), not by a table of field names.
@Suite struct MergeSchemaTests {
    let pod = MergeSchema.forKind(apiVersion: "v1", kind: "Pod", crdSchema: nil)

    @Test func builtInKindsUseTheirGoTypesPatchAndListRules() {
        let spec = pod.child("spec")
        #expect(spec.listMerge("containers", elements: [], strategic: true) == .byKeys(["name"]))
        #expect(spec.listMerge("tolerations", elements: [], strategic: true) == .replace)
        #expect(spec.listMerge("tolerations", elements: [], strategic: false) == .replace)
        let container = spec.element("containers")
        #expect(container.listMerge("ports", elements: [], strategic: true) == .byKeys(["containerPort"]))
        #expect(container.listMerge("ports", elements: [], strategic: false) == .byKeys(["containerPort", "protocol"]))
        #expect(container.listMerge("args", elements: [], strategic: true) == .replace)
        #expect(pod.child("metadata").listMerge("finalizers", elements: [], strategic: true) == .set)
        let service = MergeSchema.forKind(apiVersion: "v1", kind: "Service", crdSchema: nil).child("spec")
        #expect(service.listMerge("ports", elements: [], strategic: true) == .byKeys(["port"]))
    }

    @Test func customResourcesUseTheirCRDListTypes() {
        let schema: JSONValue = ["type": "object", "properties": ["spec": ["type": "object", "properties": [
            "items": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"]],
            "tags": ["type": "array", "x-kubernetes-list-type": "set"],
            "containers": ["type": "array"],
        ]]]]
        let spec = MergeSchema.forKind(apiVersion: "example.com/v1", kind: "Box", crdSchema: schema).child("spec")
        #expect(spec.listMerge("items", elements: [], strategic: false) == .byKeys(["id"]))
        #expect(spec.listMerge("tags", elements: [], strategic: false) == .set)
        #expect(spec.listMerge("containers", elements: [], strategic: false) == .replace, "no list type: atomic, whatever the name")
    }

    @Test func strategicMergeFollowsTheSchema() {
        let current: JSONValue = ["spec": [
            "containers": [["name": "main", "image": "a", "ports": [["containerPort": 80, "protocol": "TCP"]]]],
            "tolerations": [["key": "a", "operator": "Exists"]],
        ]]
        let patch: JSONValue = ["spec": [
            "containers": [["name": "main", "ports": [["containerPort": 81]]]],
            "tolerations": [["key": "b", "operator": "Exists"]],
        ]]
        let merged = StrategicMergePatch.apply(patch, to: current, schema: pod)
        let container = merged[path: ["spec", "containers"]]?.arrayValue?.first
        #expect(container?["image"] == "a")
        #expect(container?["ports"]?.arrayValue?.compactMap { $0["containerPort"]?.intValue } == [80, 81])
        #expect(merged[path: ["spec", "tolerations"]] == [["key": "b", "operator": "Exists"]], "tolerations have no patch strategy: replaced")
    }

    @Test func anUpdateTakesTheFieldsItChangesFromOtherManagers() {
        let created: JSONObject = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["a": "1", "b": "2"]]
        var object = created
        object["metadata"]?["managedFields"] = .array(ManagedFields.recordUpdate(
            old: nil, new: created, manager: "one", apiVersion: "v1", type: "core/v1.ConfigMap", subresource: nil, now: "2026-01-01T00:00:00Z"))
        var changed = object
        changed["data"]?["b"] = "3"
        let entries = ManagedFields.recordUpdate(
            old: object, new: changed, manager: "two", apiVersion: "v1", type: "core/v1.ConfigMap", subresource: nil, now: "2026-01-01T00:00:01Z")
        let one = entries.first { $0["manager"] == "one" }
        let two = entries.first { $0["manager"] == "two" }
        #expect(one?["fieldsV1"] == ["f:data": [".": [:], "f:a": [:]]])
        #expect(two?["fieldsV1"] == ["f:data": ["f:b": [:]]])
        // Nothing changed: nothing recorded.
        #expect(ManagedFields.recordUpdate(old: object, new: object, manager: "three", apiVersion: "v1", type: "core/v1.ConfigMap", subresource: nil, now: "t").count == 1)
    }
}
