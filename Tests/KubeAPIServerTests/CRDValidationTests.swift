import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// CustomResourceDefinitions the real API server refuses are refused here too.
@Suite struct CRDValidationTests {
    @Test func aPrinterColumnWithoutJSONPathIsRefused() async throws {
        try await TestServer.with { server in
            let crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  names: {kind: Widget, plural: widgets}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    additionalPrinterColumns:
                    - {name: Size, type: string, JSONPath: .spec.size}
                    - {name: Colour, type: colour, jsonPath: .spec.colour}
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """
            let result = try await server.kubectl(["create", "--validate=false", "-f", "-"], stdin: crd)
            #expect(result.status != 0, "\(result.stdout)")
            // One version's columns are checked at the internal version's path, as 1.28 reports them.
            #expect(result.stderr.contains("spec.additionalPrinterColumns[0].JSONPath: Required value"), "\(result.stderr)")
            #expect(result.stderr.contains("spec.additionalPrinterColumns[1].type: Unsupported value: \"colour\""), "\(result.stderr)")
            #expect(try await server.kubectl(["get", "crd", "widgets.example.com"]).status != 0, "nothing was stored")
        }
    }
}
