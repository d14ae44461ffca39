import Testing

@testable import KubeModel

@Suite struct YAMLReaderTests {
    private func one(_ yaml: String) throws -> JSONValue {
        try YAMLReader.singleDocument(in: yaml)
    }

    @Test func splitsMultiDocumentStreamsAndSkipsEmptyDocuments() throws {
        let docs = try YAMLReader.documents(in: "---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n---\nnull\n", source: "x.yaml")
        #expect(docs.map(\.value) == [["a": 1], ["b": 2]])
        #expect(docs.map(\.index) == [0, 3])
        #expect(docs.allSatisfy { $0.source == "x.yaml" })
    }

    @Test func resolvesAnchorsAliasesAndMergeKeys() throws {
        let value = try one("""
            base: &base {image: a, pull: Always}
            first: *base
            second:
              <<: *base
              image: b
            list:
            - &item x
            - *item
            """)
        #expect(value["first"] == ["image": "a", "pull": "Always"])
        #expect(value["second"] == ["image": "b", "pull": "Always"])
        #expect(value["list"] == ["x", "x"])
    }

    @Test func followsYAML11ScalarRulesAsKubectlDoes() throws {
        let value = try one("""
            yes: 1
            b1: On
            b2: n
            b3: off
            octal: 017
            hex: 0x1F
            under: 1_000
            eight: 08
            float: 1.5
            exp: 1e3
            neg: -42
            empty:
            tilde: ~
            quotedNumber: "123"
            quotedBool: 'true'
            big: 123456789012345678901234567890
            max: 9223372036854775807
            date: 2024-1-2
            stamp: 2001-12-14t21:59:43.10-05:00
            spaced: 2001-12-14 21:59:43.10
            text: 1.2.3
            """)
        #expect(value["true"] == .int(1))  // the key `yes` is a boolean too, written as "true"
        #expect(value["yes"] == nil)
        #expect(value["b1"] == .bool(true))
        #expect(value["b2"] == .bool(false))
        #expect(value["b3"] == .bool(false))
        #expect(value["octal"] == .int(15))
        #expect(value["hex"] == .int(31))
        #expect(value["under"] == .int(1000))
        #expect(value["eight"] == .double(8))
        #expect(value["float"] == .double(1.5))
        #expect(value["exp"] == .double(1000))
        #expect(value["neg"] == .int(-42))
        #expect(value["empty"] == .null)
        #expect(value["tilde"] == .null)
        #expect(value["quotedNumber"] == .string("123"))
        #expect(value["quotedBool"] == .string("true"))
        #expect(value["big"] == .number("123456789012345678901234567890"))
        #expect(value["max"] == .int(Int64.max))
        #expect(value["date"] == .string("2024-01-02T00:00:00Z"))
        #expect(value["stamp"] == .string("2001-12-14T21:59:43.1-05:00"))
        #expect(value["spaced"] == .string("2001-12-14T21:59:43.1Z"))
        #expect(value["text"] == .string("1.2.3"))
    }

    @Test func explicitTagsWin() throws {
        let value = try one("a: !!str 123\nb: !!int \"7\"\nc: !!float 2\n")
        #expect(value["a"] == .string("123"))
        #expect(value["b"] == .int(7))
        #expect(value["c"] == .double(2))
    }

    @Test func blockScalarsKeepTheirText() throws {
        let value = try one("script: |\n  echo hi\n  exit 0\nfolded: >-\n  a\n  b\n")
        #expect(value["script"] == .string("echo hi\nexit 0\n"))
        #expect(value["folded"] == .string("a b"))
    }

    @Test func malformedYAMLNamesFileDocumentAndLine() {
        #expect {
            try YAMLReader.documents(in: "a: 1\n---\nb: [1, 2\nc: 3\n", source: "broken.yaml")
        } throws: { error in
            guard let e = error as? ModelError, case .yamlSyntax(let line, _, _) = e.reason else { return false }
            let text = e.description
            return e.source == "broken.yaml" && e.documentIndex == 1 && line >= 3
                && text.hasPrefix("broken.yaml: document 1: invalid YAML at line")
        }
    }

    @Test func duplicateKeysAreErrors() {
        #expect(throws: ModelError.self) { try YAMLReader.documents(in: "a: 1\na: 2\n") }
    }

    @Test func nanAndInfinityAreRejected() {
        #expect(throws: ModelError.self) { try YAMLReader.documents(in: "a: .nan\n") }
    }

    @Test func jsonIsYAML() throws {
        #expect(try one(#"{"a": [1, "b", {"c": null}]}"#) == ["a": [1, "b", ["c": nil]]])
    }
    /// "Billion laughs": 439 bytes of nested aliases that would expand to hundreds of megabytes are
    /// refused while expanding, as go-yaml refuses them; ordinary aliases and merge keys still work.
    @Test func excessiveAliasingIsRefusedWhileExpanding() throws {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [*\(previous),*\(previous),*\(previous),*\(previous),*\(previous),*\(previous),*\(previous),*\(previous),*\(previous)]")
        }
        let bomb = lines.joined(separator: "\n") + "\n"
        #expect(bomb.utf8.count < 700)
        #expect {
            _ = try YAMLReader.documents(in: bomb)
        } throws: { error in
            "\(error)".contains("excessive aliasing")
        }
        let ordinary = try YAMLReader.singleDocument(in: "base: &base {a: 1, b: 2}\nuse: {<<: *base, b: 3}\nlist: [*base, *base]\n")
        #expect(ordinary["use"] == ["a": 1, "b": 3])
        #expect(ordinary["list"]?.arrayValue?.count == 2)
    }
}
