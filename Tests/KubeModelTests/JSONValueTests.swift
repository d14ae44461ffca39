import Testing

@testable import KubeModel

@Suite struct JSONValueTests {
    @Test func equalityIgnoresKeyOrderAndNumberRepresentation() {
        let a: JSONValue = ["x": 1, "y": ["z": 2.0]]
        let b: JSONValue = ["y": ["z": 2], "x": 1.0]
        #expect(a == b)
        #expect(JSONValue.int(1) != JSONValue.string("1"))
        #expect(JSONValue.int(1) != JSONValue.double(1.5))
    }

    @Test func pathAccessCreatesIntermediateObjects() {
        var v: JSONValue = [:]
        v[path: ["spec", "a", "b"]] = "c"
        #expect(v[path: ["spec", "a", "b"]] == "c")
        v[path: ["spec", "a"]] = nil
        #expect(v["spec"] == [:])
    }

    @Test func prunesNulls() {
        let v: JSONValue = ["a": nil, "b": [nil, ["c": nil]]]
        #expect(v.prunedNulls() == ["b": [nil, [:]]])
    }

    @Test func integralDoublesFormatLikeGo() {
        #expect(JSONValue.double(3).serialized() == "3")
        #expect(JSONValue.double(0.5).serialized() == "0.5")
        #expect(JSONValue.double(1e21).serialized() == "1e+21")
    }
}
