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

    /// As sigs.k8s.io/yaml writes them (go-yaml v2): whatever a YAML 1.1 reader would take for
    /// another type is double-quoted, timestamps and base-60 numbers included (Ruby's Psych refuses
    /// an unquoted timestamp); ordinary strings stay plain.
    @Test(arguments: [
        ("2026-12-06T19:24:45Z", "\"2026-12-06T19:24:45Z\""), ("2001-12-14", "\"2001-12-14\""),
        ("2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\""), ("1:20", "\"1:20\""), ("-190:20:30.15", "\"-190:20:30.15\""),
        ("yes", "\"yes\""), ("off", "\"off\""), ("y", "\"y\""), ("~", "\"~\""), ("null", "\"null\""), ("0755", "\"0755\""),
        ("1e3", "\"1e3\""), ("12", "\"12\""), ("hello", "hello"), ("1:2:3x", "1:2:3x"), ("v1.2.3", "v1.2.3"), ("2026-12-06x", "2026-12-06x"),
    ])
    func scalarsAreQuotedLikeGoYAMLv2(_ text: String, _ written: String) throws {
        #expect(YAMLWriter().quoteIfNeeded(text) == written)
        #expect(try YAMLReader.singleDocument(in: "k: " + YAMLWriter().quoteIfNeeded(text) + "\n")["k"] == .string(text))
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
