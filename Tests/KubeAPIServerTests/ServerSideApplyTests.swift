import Testing

@testable import KubeAPIServer
@testable import KubeModel

@Suite struct ServerSideApplyTests {
    let configMaps = BuiltinResources.all.first { $0.plural == "configmaps" }!
    let pods = BuiltinResources.all.first { $0.plural == "pods" }!

    @Test func fieldsAManagerStopsApplyingAreRemovedUnlessOthersOwnThem() throws {
        let first = try ServerSideApply.apply(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "labels": ["a": "1"]], "data": ["x": "1", "y": "2"]],
            to: nil, manager: "m", force: false, resource: configMaps, now: "2026-01-01T00:00:00Z")
        let second = try ServerSideApply.apply(
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["x": "1"]],
            to: first, manager: "m", force: false, resource: configMaps, now: "2026-01-01T00:00:01Z")
        #expect(second["data"] == ["x": "1"])
        #expect(second["metadata"]?["labels"] == nil || second["metadata"]?["labels"] == [:])
        let entries = second["metadata"]?["managedFields"]?.arrayValue ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["fieldsV1"] == ["f:data": [".": [:], "f:x": [:]]])
    }

    @Test func listsMergeByKeyAndConflictsNameTheField() throws {
        let base = try ServerSideApply.apply(
            ["apiVersion": "v1", "kind": "Pod", "spec": ["containers": [["name": "main", "image": "a"]]]],
            to: nil, manager: "one", force: false, resource: pods, now: "t")
        let owned = ManagedFields.decode(base["metadata"]?["managedFields"]?.arrayValue?.first?["fieldsV1"] ?? [:])
        let imagePath: ManagedFields.Path = ["f:spec", "f:containers", #"k:{"name":"main"}"#, "f:image"]
        #expect(owned.contains(imagePath))
        #expect(throws: APIError.self) {
            try ServerSideApply.apply(["spec": ["containers": [["name": "main", "image": "b"]]]], to: base, manager: "two", force: false, resource: pods, now: "t")
        }
        let added = try ServerSideApply.apply(["spec": ["containers": [["name": "side", "image": "s"]]]], to: base, manager: "two", force: false, resource: pods, now: "t")
        let names = JSONValue.object(added)[path: ["spec", "containers"]]?.arrayValue?.map { $0["name"] }
        #expect(names == ["main", "side"])
    }
}

/// Lists of custom resources merge as their CRD's `x-kubernetes-list-type` says (issue 16 item 9),
/// through kubectl's server-side apply: keyed lists element by element, lists without a type whole.
@Suite struct CustomResourceListMergeTests {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: boxes.example.com}
        spec:
          group: example.com
          names: {kind: Box, plural: boxes}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      items:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [id]
                        items: {type: object, properties: {id: {type: string}, value: {type: string}}}
                      containers:
                        type: array
                        items: {type: object, properties: {name: {type: string}, image: {type: string}}}
        """

    @Test func keyedListsMergeByTheirKeysAndOtherListsAreAtomic() async throws {
        try await TestServer.with { server in
            #expect(try await server.kubectl(["apply", "-f", "-"], stdin: Self.crd).status == 0)
            func apply(_ manager: String, _ spec: String, force: Bool = false) async throws -> TestServer.Output {
                let box = "apiVersion: example.com/v1\nkind: Box\nmetadata: {name: b, namespace: default}\nspec: \(spec)\n"
                return try await server.kubectl(["apply", "--server-side", "--field-manager", manager] + (force ? ["--force-conflicts"] : []) + ["-f", "-"], stdin: box)
            }
            var result = try await apply("one", "{items: [{id: a, value: '1'}], containers: [{name: main, image: x}]}")
            #expect(result.status == 0, "\(result.stderr)")
            result = try await apply("two", "{items: [{id: b, value: '2'}]}")
            #expect(result.status == 0, "\(result.stderr)")
            let box = try JSONParser.parse(try await server.kubectl(["get", "box", "b", "-o", "json", "--show-managed-fields"]).stdout)
            #expect(box[path: ["spec", "items"]]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["a", "b"], "both managers' elements are kept")
            let two = box[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["manager"] == "two" }
            #expect(two?["fieldsV1"]?["f:spec"]?["f:items"]?[#"k:{"id":"b"}"#]?["f:value"] == [:], "\(String(describing: two))")

            // `containers` has no list type here: it is one field, not merged by name as a Pod's are.
            result = try await apply("two", "{items: [{id: b, value: '2'}], containers: [{name: side, image: busybox}]}")
            #expect(result.status != 0 && result.stderr.contains("conflict") && result.stderr.contains(".spec.containers"), "\(result.stderr)")
            result = try await apply("two", "{items: [{id: b, value: '2'}], containers: [{name: side, image: busybox}]}", force: true)
            #expect(result.status == 0, "\(result.stderr)")
            let replaced = try JSONParser.parse(try await server.kubectl(["get", "box", "b", "-o", "json"]).stdout)
            #expect(replaced[path: ["spec", "containers"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["side"])
        }
    }
}
