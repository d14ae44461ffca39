import Foundation
import Testing

@testable import KratixAPI
@testable import KubeModel

/// Every published fixture must read, and Kratix kinds must survive the typed model unchanged.
/// The list is discovered at run time, so new fixtures are covered without touching this file.
@Suite struct FixtureRoundTripTests {
    static let files: [String] = (try? Fixtures.yamlFiles()) ?? []

    @Test func fixturesAreThere() {
        #expect(Self.files.count >= 60, "expected the shared fixtures at \(Fixtures.fixturesDirectory.path)")
    }

    @Test(arguments: files)
    func decodesAndRoundTrips(_ file: String) throws {
        let documents = try YAMLReader.documents(in: Fixtures.read(file), source: file)
        #expect(!documents.isEmpty, "\(file) has no documents")
        for document in documents {
            // YAML → JSON → YAML → JSON gives the same value; so does JSON text.
            let yamlAgain = YAMLWriter().write(document.value)
            #expect(try YAMLReader.singleDocument(in: yamlAgain, source: file) == document.value, "\(file)#\(document.index) via YAML")
            #expect(try JSONParser.parse(document.value.serialized()) == document.value, "\(file)#\(document.index) via JSON")

            guard KratixObject.isKratixDocument(document.value) else { continue }
            let typed = try KratixObject.decode(document)
            let encoded = try typed.toJSON()
            #expect(
                Self.isLossless(original: document.value.prunedNulls(), encoded: encoded.prunedNulls()),
                "\(file)#\(document.index): typed model lost or changed fields:\n\(document.value)\n\(encoded)")
            #expect(try KratixObject.decode(encoded) == typed, "\(file)#\(document.index): typed decode → encode → decode differs")
        }
    }

    /// Every member of the original is in the encoded form with the same value; the only additions
    /// allowed are empty objects (a Go struct's zero value, such as `spec: {}` for a missing spec).
    static func isLossless(original: JSONValue, encoded: JSONValue) -> Bool {
        switch (original, encoded) {
        case (.object(let a), .object(let b)):
            for (key, value) in a {
                guard let other = b[key], isLossless(original: value, encoded: other) else { return false }
            }
            return b.keys.allSatisfy { a[$0] != nil || b[$0] == .object([:]) }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { isLossless(original: $0, encoded: $1) }
        default:
            return original == encoded
        }
    }

    @Test func losslessCheckCanFail() {
        #expect(!Self.isLossless(original: ["a": 1, "b": 2], encoded: ["a": 1]))
        #expect(!Self.isLossless(original: ["a": 1], encoded: ["a": 1, "c": 0]))
        #expect(Self.isLossless(original: ["a": 1], encoded: ["a": 1, "spec": [:]]))
    }

    @Test func everyKratixKindAmongTheFixturesIsTyped() throws {
        var kinds: Set<String> = []
        for file in Self.files {
            for document in try YAMLReader.documents(in: Fixtures.read(file), source: file)
            where KratixObject.isKratixDocument(document.value) {
                kinds.insert(try KratixObject.decode(document).kind)
            }
        }
        for kind in ["Promise", "Work", "WorkPlacement", "Destination", "GitStateStore", "BucketStateStore", "PromiseRelease", "HealthRecord"] {
            #expect(kinds.contains(kind), "no fixture of kind \(kind) was decoded")
        }
    }

    @Test func corePromiseReadsAsTheSpecDescribes() throws {
        let document = try #require(try YAMLReader.documents(in: Fixtures.read("kratix/core/assets/promise.yaml"), source: "promise.yaml").first)
        guard case .promise(let promise) = try KratixObject.decode(document) else {
            Issue.record("not a Promise")
            return
        }
        #expect(promise.name == "testbundle")
        #expect(promise.spec.hasAPI)
        let configure = try promise.spec.pipelines(.resource, .configure)
        #expect(configure.map(\.name) == ["resource-pipeline0", "resource-pipeline1"])
        #expect(try promise.spec.pipelines(.promise, .configure).map(\.name) == ["setup-deps"])
    }
}
