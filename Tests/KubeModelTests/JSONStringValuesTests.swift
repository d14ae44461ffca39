import Testing

@testable import KubeModel

/// Long string values repeated across documents are one copy in memory; every value still reads
/// back as it was written, whatever shares a slot with it.
@Suite struct JSONStringValuesTests {
    /// Where a native string's bytes live (equal for strings sharing one storage).
    private func storage(_ string: String) -> UnsafeRawPointer? {
        var copy = string
        return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aLongValueParsedTwiceIsOneCopy() throws {
        let first = try JSONParser.parse(#"{"apiVersion":"platform.kratix.io/v1alpha1"}"#)["apiVersion"]?.stringValue
        let second = try JSONParser.parse(#"{"other":"platform.kratix.io/v1alpha1"}"#)["other"]?.stringValue
        #expect(first == "platform.kratix.io/v1alpha1")
        #expect(storage(try #require(first)) == storage(try #require(second)))
    }

    @Test func everyValueReadsBackAsWrittenWhateverSharesItsSlot() throws {
        // Far more distinct values than slots, so slots are taken over again and again; the
        // escaped and over-long ones are never shared.
        for i in 0..<10_000 {
            let plain = "value-number-\(i)-of-many"
            let escaped = "line \(i)\\n\\\"quoted\\\" and long enough"
            let long = String(repeating: "x", count: JSONStringValues.maximumLength) + "\(i)"
            let value = try JSONParser.parse(#"{"a":"\#(plain)","b":"\#(escaped)","c":"\#(long)"}"#)
            #expect(value["a"]?.stringValue == plain)
            #expect(value["b"]?.stringValue == "line \(i)\n\"quoted\" and long enough")
            #expect(value["c"]?.stringValue == long)
        }
    }
}
