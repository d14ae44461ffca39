import Foundation
import KratixAPI
import KubeModel
import Testing

@testable import KratixControllers

/// `spec.api` read as upstream reads it (Go's encoding/json: field names without regard to case),
/// for the CRD's own fields only.
@Suite struct CRDFieldCaseTests {
    static let promise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: database}
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: databases.marketplace.kratix.io, labels: {Team: Data}}
            spec:
              group: marketplace.kratix.io
              Names: {Kind: Database, plural: databases, SINGULAR: database}
              scope: Namespaced
              versions:
              - name: v1
                Served: true
                storage: true
                additionalPrinterColumns:
                - {name: Engine, type: string, JSONPath: .spec.engine}
                schema:
                  openAPIV3Schema:
                    type: object
                    Properties:
                      spec:
                        type: object
                        properties:
                          JSONPath: {Type: string, default: {Keep: Me}}
                          engine: {type: string, ENUM: [Postgres, MySQL]}
        """

    @Test func fieldNamesAreMatchedWithoutRegardToCaseAsGoDoes() throws {
        let promise = try Promise(from: try YAMLReader.singleDocument(in: Self.promise))
        let api = try #require(try PromiseAPI.make(for: promise))
        #expect(api.kind == "Database" && api.plural == "databases")
        let crd = JSONValue.object(api.crd.json)
        let version = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first)
        #expect(version["served"] == true)
        #expect(version["additionalPrinterColumns"]?.arrayValue?.first?["jsonPath"] == ".spec.engine")
        #expect(crd[path: ["spec", "names", "singular"]] == "database")
        let spec = try #require(version[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties"]])
        // Property names are the author's, and so are default values; schema keywords are canonical.
        #expect(spec["JSONPath"]?["type"] == "string")
        #expect(spec["JSONPath"]?["default"] == ["Keep": "Me"])
        #expect(spec["engine"]?["enum"] == ["Postgres", "MySQL"])
        #expect(crd[path: ["metadata", "labels", "Team"]] == "Data")
    }

    /// A CRD is cluster-scoped: a namespace in `spec.api` (kratix-cli's operator Promises carry
    /// `namespace: default`) is dropped, as the API server drops it for upstream.
    @Test func aNamespaceInTheAPIIsDropped() throws {
        let text = Self.promise.replacingOccurrences(of: "metadata: {name: databases.marketplace.kratix.io, labels: {Team: Data}}",
                                                     with: "metadata: {name: databases.marketplace.kratix.io, namespace: default}")
        let api = try #require(try PromiseAPI.make(for: try Promise(from: try YAMLReader.singleDocument(in: text))))
        #expect(JSONValue.object(api.crd.json)[path: ["metadata", "namespace"]] == nil)
        #expect(api.crd.name == "databases.marketplace.kratix.io")
    }
}
