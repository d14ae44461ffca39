import Foundation
import KratixAuthoring
import KratixTestSupport
import KubeModel
import Testing

/// The golden files kratix-cli's tests compare byte for byte were written by `sigs.k8s.io/yaml`;
/// read back and written again by ``GoYAML`` they must come out the same bytes.
@Suite struct GoYAMLTests {
    static let crossplane = CLITestData.url("test/assets").appendingPathComponent("crossplane")

    @Test(arguments: [
        "expected-output/promise.yaml", "expected-output/example-resource.yaml",
        "expected-output-with-compositions/promise.yaml", "expected-output-with-functions/promise.yaml",
        "expected-output-with-empty-openAPIV3Schema/promise.yaml", "expected-output-with-no-spec-properties/promise.yaml",
        "expected-output-with-split/api.yaml", "expected-output-with-split/workflows/resource/configure/workflow.yaml",
        "expected-output-with-split/dependencies.yaml",
    ])
    func rewritesGoldenFilesByteForByte(path: String) throws {
        let text = try String(contentsOf: Self.crossplane.appendingPathComponent(path), encoding: .utf8)
        let value = try #require(try GoYAML.unmarshal(text, file: path))
        #expect(GoYAML.marshal(value) == text)
    }

    @Test func writesAReadmeAsALiteralBlockIndentedTwoSpaces() throws {
        let text = try String(contentsOf: Self.crossplane.appendingPathComponent("expected-output/README.md"), encoding: .utf8)
        let readme = try #require(try GoYAML.unmarshal(text, file: "README.md")?.stringValue)
        #expect(readme.hasPrefix("# Promise Template\n"))
        #expect(GoYAML.marshal(string: readme) == text)
    }

    @Test func foldsAtTheFirstSpacePastColumnEighty() throws {
        let long = "word " + String(repeating: "abcdefghi ", count: 9) + "end"
        let yaml = GoYAML.marshal(["key": .string(long)])
        let lines = yaml.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].count > 80)
        #expect(lines[1].hasPrefix("  ") && !lines[1].hasPrefix("   "))
        #expect(try YAMLReader.singleDocument(in: yaml) == ["key": .string(long)])
    }

    @Test func indentsEveryLineIncludingTheLastEmptyOne() {
        #expect(GoYAML.indent(2, "a: 1\nb: 2\n") == "  a: 1\n  b: 2\n  ")
    }
}
