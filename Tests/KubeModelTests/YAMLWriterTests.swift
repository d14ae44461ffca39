import Testing

@testable import KubeModel

@Suite struct YAMLWriterTests {
    @Test func writesTheCanaryConfigMapByteForByte() {
        let configMap: JSONValue = [
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": ["namespace": "kratix-worker-system", "name": "kratix-info"],
            "data": ["canary": "this confirms your infrastructure is reading from Kratix state stores"],
        ]
        #expect(YAMLWriter(sortedKeys: true).write(configMap) == """
            apiVersion: v1
            data:
              canary: this confirms your infrastructure is reading from Kratix state stores
            kind: ConfigMap
            metadata:
              name: kratix-info
              namespace: kratix-worker-system

            """)
        let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "kratix-worker-system"], "spec": [:], "status": [:]]
        #expect(YAMLWriter(sortedKeys: true).write(namespace) == """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: kratix-worker-system
            spec: {}
            status: {}

            """)
    }

    @Test func sequencesSitUnderTheirKeyLikeGoYAML() {
        // "y" would read back as a YAML 1.1 boolean, so it is quoted.
        let value: JSONValue = ["items": [["name": "a", "args": ["x", "y"]], "plain"], "empty": []]
        #expect(YAMLWriter().write(value) == """
            items:
            - name: a
              args:
              - x
              - "y"
            - plain
            empty: []

            """)
    }

    @Test(arguments: [
        "", "true", "yes", "on", "n", "123", "1.5", "0x1F", "~", "null", "- a", "a: b", "a #b", "#x", "'q'",
        "\"dq\"", " lead", "trail ", "multi\nline\n", "no trailing\nnewline", "two\n\n", "tab\there", "%x", "@x",
        "`x", "{a}", "[a]", "a,b", "2024-01-02", "<<", "ünïcödé", "\u{01}ctl", "x:", "---", "a\n b", "*alias", "&anchor", "!tag", "|", ">",
    ])
    func everyStringReadsBackUnchanged(_ s: String) throws {
        let value: JSONValue = ["k": .string(s), .init(stringLiteral: s.isEmpty ? "e" : s): 1]
        let text = YAMLWriter().write(value)
        #expect(try YAMLReader.singleDocument(in: text) == value, "\(text)")
    }

    @Test func numbersAndNullsRoundTrip() throws {
        let value: JSONValue = ["i": 7, "d": 0.25, "big": .number("123456789012345678901234567890"), "n": nil, "b": false]
        #expect(try YAMLReader.singleDocument(in: YAMLWriter().write(value)) == value)
    }

    @Test func multipleDocuments() throws {
        let text = YAMLWriter().write(documents: [["a": 1], ["b": 2]])
        #expect(text == "a: 1\n---\nb: 2\n")
        #expect(try YAMLReader.documents(in: text).map(\.value) == [["a": 1], ["b": 2]])
    }
}
