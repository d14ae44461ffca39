import Foundation
import KratixAuthoring
import KratixTerraform
import KubeModel
import Testing

/// upstream's `test/init_crossplane_promise_test.go`: every golden reproduced byte for byte
/// (`--version v2` is passed as upstream's test passes it: the XRD's version name wins).
@Suite struct CrossplanePromiseInitTests {
    static let assets = CLITestData.url("test/assets").appendingPathComponent("crossplane")

    static func request(xrd: String = "xrd.yaml", split: Bool = false, compositions: Bool = false, functions: Bool = false, skip: Bool = false)
        -> CrossplanePromiseInit.Request
    {
        CrossplanePromiseInit.Request(
            options: InitOptions(name: "s3buckets", group: "syntasso.io", kind: "S3Bucket", version: "v2", split: split),
            xrd: assets.appendingPathComponent(xrd).path,
            compositions: compositions ? assets.appendingPathComponent("composition.yaml").path : nil,
            functions: functions ? assets.appendingPathComponent("function.yaml").path : nil, skipDependencies: skip)
    }

    static func golden(_ folder: String, _ file: String) throws -> String {
        try String(contentsOf: assets.appendingPathComponent(folder).appendingPathComponent(file), encoding: .utf8)
    }

    static func file(_ files: [GeneratedFile], _ path: String) throws -> String {
        try #require(files.first { $0.path == path }, "\(path) not generated").contents
    }

    struct Variant: Sendable, CustomStringConvertible {
        var description: String
        var request: CrossplanePromiseInit.Request
        var golden: String
        var compared: [String]
    }

    static let variants: [Variant] = [
        Variant(description: "with spec.properties", request: request(), golden: "expected-output", compared: ["promise.yaml", "example-resource.yaml"]),
        Variant(
            description: "with empty openAPIV3Schema", request: request(xrd: "xrd-with-empty-openAPIV3Schema.yaml"),
            golden: "expected-output-with-empty-openAPIV3Schema", compared: ["promise.yaml", "example-resource.yaml"]),
        Variant(
            description: "with no spec.properties", request: request(xrd: "xrd-with-no-spec-properties.yaml"),
            golden: "expected-output-with-no-spec-properties", compared: ["promise.yaml", "example-resource.yaml"]),
        Variant(
            description: "--compositions", request: request(compositions: true), golden: "expected-output-with-compositions",
            compared: ["promise.yaml", "example-resource.yaml"]),
        Variant(description: "--functions", request: request(functions: true), golden: "expected-output-with-functions", compared: ["promise.yaml"]),
        Variant(
            description: "--skip-dependencies", request: request(skip: true), golden: "expected-output-with-skip-dependencies",
            compared: ["promise.yaml", "example-resource.yaml"]),
        Variant(
            description: "--split", request: request(split: true), golden: "expected-output-with-split",
            compared: ["api.yaml", "dependencies.yaml", "example-resource.yaml", "workflows/resource/configure/workflow.yaml"]),
    ]

    @Test(arguments: variants)
    func reproducesTheGoldenFilesByteForByte(variant: Variant) throws {
        let result = try CrossplanePromiseInit.run(variant.request)
        for path in variant.compared {
            let generated = try Self.file(result.files, path)
            let expected = try Self.golden(variant.golden, path)
            #expect(generated == expected, "\(variant.golden)/\(path)")
        }
        let expectedFiles = variant.request.options.split
            ? ["README.md", "api.yaml", "dependencies.yaml", "example-resource.yaml", "workflows/resource/configure/workflow.yaml"]
            : ["README.md", "example-resource.yaml", "promise.yaml"]
        #expect(result.files.map(\.path).sorted() == expectedFiles)
    }

    @Test func functionsKeepTheDefaultExampleResource() throws {
        let result = try CrossplanePromiseInit.run(Self.request(functions: true))
        #expect(try Self.file(result.files, "example-resource.yaml") == Self.golden("expected-output", "example-resource.yaml"))
    }

    @Test func readmeIsABlockScalarNamingTheCommandAndItsFlagsInUpstreamOrder() throws {
        let request = Self.request(compositions: true, functions: true, skip: true)
        let readme = try Self.file(CrossplanePromiseInit.run(request).files, "README.md")
        #expect(readme.hasPrefix("|\n  # Promise Template\n"))
        let decoded = try #require(try YAMLReader.singleDocument(in: readme).stringValue)
        let flags = "--xrd \(request.xrd) --functions \(request.functions!) --compositions \(request.compositions!) --skip-dependencies"
        #expect(decoded.contains("kratix init crossplane-promise s3buckets \(flags) --group syntasso.io --kind S3Bucket"))
    }

    @Test func warnsOfRequiredSpecFieldsWithoutDefaults() throws {
        let result = try CrossplanePromiseInit.run(Self.request())
        #expect(result.warnings == [
            "warning: required field \"resourceConfig\" has no default value; a default is required for top level required fields in a CRD\nYou will need to add a default to make the Promise API valid."
        ])
    }

    @Test func requiredFieldsThatAllHaveDefaultsBecomeTheSpecDefault() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write("xrd.yaml", """
            apiVersion: apiextensions.crossplane.io/v2
            kind: CompositeResourceDefinition
            metadata: {name: xbuckets.example.org}
            spec:
              group: example.org
              names: {kind: XBucket, plural: xbuckets}
              versions:
                - name: v1beta1
                  served: false
                - name: v1
                  served: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          required: [region]
                          properties:
                            region: {type: string, default: eu-west-2}
            """)
        let request = CrossplanePromiseInit.Request(
            options: InitOptions(name: "buckets", group: "syntasso.io", kind: "Bucket"), xrd: "\(directory.path)/xrd.yaml")
        let result = try CrossplanePromiseInit.run(request)
        #expect(result.warnings.isEmpty)
        let promise = try YAMLReader.singleDocument(in: try Self.file(result.files, "promise.yaml"))
        let version = try #require(promise[path: ["spec", "api", "spec", "versions"]]?.arrayValue?.first)
        #expect(version["name"] == "v1", "the first served version")
        #expect(version[path: ["schema", "openAPIV3Schema", "properties", "spec", "default"]] == ["region": "eu-west-2"])
        let env = promise[path: ["spec", "workflows", "resource", "configure"]]?.arrayValue?.first?[path: ["spec", "containers"]]?.arrayValue?.first?["env"]
        #expect(env == [["name": "XRD_GROUP", "value": "example.org"], ["name": "XRD_VERSION", "value": "v1"], ["name": "XRD_KIND", "value": "XBucket"]],
                "without claimNames the XR kind")
    }

    @Test func aMissingXRDIsNamed() {
        #expect(throws: AuthoringError.self) { try CrossplanePromiseInit.run(Self.request(xrd: "does-not-exist")) }
        do {
            _ = try CrossplanePromiseInit.run(Self.request(xrd: "does-not-exist"))
        } catch {
            #expect(error.description.hasPrefix("failed to read file \(Self.assets.path)/does-not-exist"))
        }
    }
}
