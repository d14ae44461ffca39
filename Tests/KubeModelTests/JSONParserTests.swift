import Testing

@testable import KubeModel

@Suite struct JSONParserTests {
    @Test func parsesScalarsKeepingIntegersAndBigNumbers() throws {
        let value = try JSONParser.parse(#"{"a": 1, "b": -9223372036854775808, "c": 123456789012345678901234567890, "d": 1.5, "e": 2e3, "f": true, "g": null, "h": "x"}"#)
        #expect(value["a"] == .int(1))
        #expect(value["b"] == .int(Int64.min))
        #expect(value["c"] == .number("123456789012345678901234567890"))
        #expect(value["d"] == .double(1.5))
        #expect(value["e"] == .double(2000))
        #expect(value["f"] == .bool(true))
        #expect(value["g"] == .null)
        #expect(value["h"] == .string("x"))
    }

    @Test func bigNumbersAreWrittenBackVerbatim() throws {
        let text = #"{"n":123456789012345678901234567890}"#
        #expect(try JSONParser.parse(text).serialized() == text)
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "m"])
        #expect(value.serialized() == #"{"z":1,"a":2,"m":3}"#)
        #expect(value.serialized(.init(sortedKeys: true)) == #"{"a":2,"m":3,"z":1}"#)
    }

    /// Members are collected on shared stacks: containers inside arrays inside objects each get
    /// exactly their own members, and a repeated key keeps its first place and its last value.
    @Test func nestedContainersGetExactlyTheirOwnMembers() throws {
        let text = #"[1,{"a":[2,{"b":3,"c":[]},[4,[5]]],"d":{},"a":6},7,[8,{"e":[9]}]]"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"[1,{"a":6,"d":{}},7,[8,{"e":[9]}]]"#)
        let nested = try JSONParser.parse(#"{"x":[2,{"b":3,"c":[]},[4,[5]]],"y":true}"#)
        #expect(nested.serialized() == #"{"x":[2,{"b":3,"c":[]},[4,[5]]],"y":true}"#)
    }

    @Test func longKeysAreSharedAcrossObjects() throws {
        let first = try JSONParser.parse(#"{"metadata":{"creationTimestamp":"a"}}"#)
        let second = try JSONParser.parse(#"{"metadata":{"creationTimestamp":"b"}}"#)
        let keys = [first, second].compactMap { $0["metadata"]?.objectValue?.keys.first }
        #expect(keys == ["creationTimestamp", "creationTimestamp"])
        // The same storage: the second parse returned the first one's string.
        let storage = keys.map { key in key.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil }
        #expect(storage[0] != nil && storage[0] == storage[1])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\né😀"))
    }

    @Test func reportsLineAndColumn() {
        #expect {
            try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
        } throws: { error in
            guard let e = error as? JSONParseError else { return false }
            return e.line == 3 && e.column == 7
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":}", "01", "1.", "tru", "\"\u{01}\"", "[1] 2", "{\"a\" 1}"])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsHostileNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func goCompatibleEncodingEscapesHTML() {
        let value: JSONValue = ["b": "<a&b>", "a": 1]
        #expect(value.serialized(.go) == #"{"a":1,"b":"\u003ca\u0026b\u003e"}"#)
        #expect(value.serialized() == #"{"b":"<a&b>","a":1}"#)
    }

    @Test func controlCharactersAreEscaped() throws {
        let value: JSONValue = .string("tab\there\u{01}")
        #expect(value.serialized() == #""tab\there\u0001""#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    /// Plain runs are copied whole, so escapes at the start, the end, side by side and between
    /// multi-byte characters must each land in the right place.
    @Test func escapesLandBetweenPlainRuns() throws {
        let text = "\"a\\b\nc\rd\u{1F}\u{7F}é<&>\"\"ü"
        #expect(JSONValue.string(text).serialized() == #""\"a\\b\nc\rd\u001f\#u{7F}é<&>\"\"ü""#)
        #expect(JSONValue.string(text).serialized(.go) == #""\"a\\b\nc\rd\u001f\#u{7F}é\u003c\u0026\u003e\"\"ü""#)
        #expect(JSONValue.string("").serialized() == #""""#)
        #expect(JSONValue.string("plain, no escapes at all").serialized() == #""plain, no escapes at all""#)
        for options in [JSONSerializationOptions(), .go] {
            #expect(try JSONParser.parse(JSONValue.string(text).serialized(options)) == .string(text))
        }
    }
}
