import Testing

@testable import KubeModel

private struct Sample: Codable, Equatable {
    var name: String
    var count: Int64?
    var labels: [String: String]?
    var nested: Nested?
    var unknownFields = UnknownFields()

    struct Nested: Codable, Equatable {
        var flag: Bool?
        var unknownFields = UnknownFields()
    }
}

private struct Strict: Codable, Equatable {
    var name: String?
    var items: [Strict]?
}

@Suite struct JSONValueCodingTests {
    @Test func unknownFieldsSurviveARoundTrip() throws {
        let input: JSONValue = ["name": "x", "count": 3, "extra": ["deep": [1, 2]], "nested": ["flag": true, "more": "y"], "labels": ["unknownFields": "is just a label"]]
        let decoded = try JSONValueDecoder().decode(Sample.self, from: input)
        #expect(decoded.unknownFields.members["extra"] == ["deep": [1, 2]])
        #expect(decoded.nested?.unknownFields.members["more"] == "y")
        #expect(decoded.labels == ["unknownFields": "is just a label"])
        #expect(try JSONValueEncoder().encode(decoded) == input)
    }

    @Test func typeMismatchNamesTheField() {
        #expect {
            try JSONValueDecoder(basePath: "spec").decode(Sample.self, from: ["name": "x", "nested": "oops"])
        } throws: { error in
            (error as? ModelError)?.reason == .typeMismatch(field: "spec.nested", expected: "object", found: "string")
        }
    }

    @Test func missingRequiredFieldIsNamed() {
        #expect {
            try JSONValueDecoder().decode(Sample.self, from: ["count": 1])
        } throws: { error in
            (error as? ModelError)?.reason == .missingField(field: "name")
        }
    }

    @Test func strictDecodingRejectsUnknownFieldsWithTheirPath() {
        #expect {
            try JSONValueDecoder(strict: true, basePath: "spec.workflows[0]").decode(Strict.self, from: ["name": "a", "items": [["name": "b", "typo": 1]]])
        } throws: { error in
            (error as? ModelError)?.reason == .unknownField(field: "spec.workflows[0].items[0].typo")
        }
        #expect(throws: ModelError.self) {
            try JSONValueDecoder(strict: true).decode(Sample.self, from: ["name": "x", "surprise": 1])
        }
    }

    @Test func integersOutOfRangeAreErrors() {
        struct Small: Codable { var n: Int32 }
        #expect(throws: ModelError.self) { try JSONValueDecoder().decode(Small.self, from: ["n": 4_294_967_296]) }
        #expect((try? JSONValueDecoder().decode(Small.self, from: ["n": 2.0]))?.n == 2)
    }

    @Test func objectMetaKeepsUnknownMembers() throws {
        var object = try #require(KubeObject(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a", "labels": ["x": "1"], "futureField": true]]))
        var meta = object.metadata
        meta.addFinalizer("kratix.io/test")
        object.metadata = meta
        #expect(object.json["metadata"]?["futureField"] == true)
        #expect(object.json["metadata"]?["finalizers"] == ["kratix.io/test"])
        object.labels["y"] = "2"
        #expect(object.labels == ["x": "1", "y": "2"])
        #expect(object.key == "a")
        object.namespace = "ns"
        #expect(object.key == "ns/a")
    }

    @Test func groupVersionParsing() {
        #expect(GroupVersion(apiVersion: "v1") == GroupVersion(group: "", version: "v1"))
        #expect(GroupVersion(apiVersion: "apps/v1") == GroupVersion(group: "apps", version: "v1"))
        #expect(GroupVersion(apiVersion: "a/b/c") == nil)
        #expect(GroupVersion(apiVersion: "/v1") == nil)
        #expect(GroupVersionKind(apiVersion: "platform.kratix.io/v1alpha1", kind: "Promise")?.group == "platform.kratix.io")
    }
}
