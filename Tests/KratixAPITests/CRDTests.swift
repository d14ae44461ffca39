import Foundation
import Testing

@testable import KratixAPI
@testable import KubeModel

@Suite struct CRDTests {
    @Test func checkedInCRDsEqualTheGeneratedOnes() throws {
        let directory = Fixtures.repositoryRoot.appendingPathComponent("manifests/crds")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(onDisk == KratixCRDs.all.map(KratixCRDs.fileName).sorted(), "run `kratix manifests crds --output manifests/crds`")
        for crd in KratixCRDs.all {
            let text = try String(contentsOf: directory.appendingPathComponent(KratixCRDs.fileName(crd)), encoding: .utf8)
            #expect(text == KratixCRDs.yaml(crd), "\(KratixCRDs.fileName(crd)) is stale: run `kratix manifests crds --output manifests/crds`")
        }
    }

    @Test(arguments: KratixCRDs.all.map(\.kind))
    func everySchemaIsStructural(_ kind: String) throws {
        let crd = try #require(KratixCRDs.all.first { $0.kind == kind })
        let schema = try #require(crd.json[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
        #expect(StructuralSchema.problems(in: schema) == [])
        // The written YAML reads back to the same CRD.
        #expect(try YAMLReader.singleDocument(in: KratixCRDs.yaml(crd)) == crd.json)
    }

    @Test func namesScopesAndColumnsFollowTheSpec() throws {
        let byKind = Dictionary(uniqueKeysWithValues: KratixCRDs.all.map { ($0.kind, $0) })
        #expect(byKind["Promise"]?.scope == .cluster)
        #expect(byKind["Promise"]?.printerColumns.map(\.name) == ["Status", "Kind", "API Version", "Version", "Message"])
        #expect(byKind["Work"]?.scope == .namespaced)
        #expect(byKind["Work"]?.printerColumns.map(\.jsonPath) == [#".status.conditions[?(@.type=="Ready")].message"#])
        #expect(byKind["WorkPlacement"]?.shortNames == ["wp", "wps"])
        #expect(byKind["Destination"]?.shortNames == ["dest", "dests"])
        #expect(byKind["Destination"]?.scope == .cluster)
        #expect(byKind["HealthRecord"]?.hasStatusSubresource == false)
        for crd in KratixCRDs.all where crd.kind != "HealthRecord" {
            #expect(crd.categories == ["kratix"], "\(crd.kind)")
            #expect(crd.hasStatusSubresource, "\(crd.kind)")
        }
        #expect(Set(KratixCRDs.all.map(\.kind)) == Set(KratixObject.servedKinds))
    }

    @Test func destinationDefaultsAndImmutableMode() throws {
        let spec = try #require(Destination.crd.json[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties"]])
        #expect(spec["cleanup"]?["default"] == "none")
        #expect(spec["filepath"]?["default"] == ["mode": "nestedByMetadata"])
        #expect(spec["initWorkloads"]?["default"] == [:])
        #expect(spec[path: ["initWorkloads", "properties", "enabled", "default"]] == true)
        #expect(spec[path: ["filepath", "properties", "mode", "x-kubernetes-validations"]] == [["message": "filepath.mode is immutable", "rule": "self == oldSelf"]])
    }

    @Test func promiseFreeFormFieldsPreserveUnknownFields() throws {
        let spec = try #require(Promise.crd.json[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties"]])
        #expect(spec[path: ["api", "x-kubernetes-preserve-unknown-fields"]] == true)
        #expect(spec[path: ["dependencies", "x-kubernetes-preserve-unknown-fields"]] == true)
        // Pipelines are free-form objects inside the array (as upstream): the flag sits on the items.
        #expect(spec[path: ["workflows", "properties", "resource", "properties", "configure", "items", "x-kubernetes-preserve-unknown-fields"]] == true)
        #expect(spec[path: ["workflows", "properties", "promise", "properties", "delete", "items", "x-kubernetes-preserve-unknown-fields"]] == true)
        let status = try #require(Promise.crd.json[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "status"]])
        #expect(status["required"] == ["workflows", "workflowsFailed", "workflowsSucceeded"])
    }
}
