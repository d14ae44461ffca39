import Foundation
@testable import KratixAPI
import KratixTestSupport
import Testing
@testable import KratixControllers

@Suite("Workload content: base64 of gzip")
struct WorkloadContentTests {
    static let namespaceYAML = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: redis-ns\n"

    /// Produced by Python's gzip module (zlib), the kind of stream Go's writer also produces.
    static let foreignStreams: [(label: String, content: String, text: String)] = [
        ("fixed Huffman", "H4sIAAAAAAACA0ssyAxLLSrOzM+zUigz5MrOzEuxUvBLzE0tLkhMTuXKTS1JTEksSbTiUlDIA4paKRSlpmQW6+YVcwEA6BQcKzoAAAA=", namespaceYAML),
        ("file name in header", "H4sICAAAAAAC/2RvYy55YW1sAEssyAxLLSrOzM+zUigz5MrOzEuxUvBLzE0tLkhMTuXKTS1JTEksSbTiUlDIA4paKRSlpmQW6+YVcwEA6BQcKzoAAAA=",
         namespaceYAML),
        ("stored block", "H4sIAAAAAAAEAwE6AMX/YXBpVmVyc2lvbjogdjEKa2luZDogTmFtZXNwYWNlCm1ldGFkYXRhOgogIG5hbWU6IHJlZGlzLW5zCugUHCs6AAAA", namespaceYAML),
        ("dynamic Huffman",
         "H4sIAAAAAAACA+3MKw6AMBBFUT+rGIMcga1FY/ETOpCm9BMoJOweDJsgz97kHq1hsv0IJTu+eoohe8dDyUtYR62UrKnXpo6YsyZzPCfpPH0t2v1+up1GIkIKDRo0aNCgQYMGDRo0aNCg/U57AKXvUWE8DwAA",
         String(repeating: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  key: value\n---\n", count: 50)),
    ]

    @Test(arguments: 0..<4)
    func decodesStreamsFromOtherWriters(_ index: Int) throws {
        let sample = Self.foreignStreams[index]
        #expect(SchedFixtures.text(try WorkloadContent.decode(sample.content)) == sample.text, "\(sample.label)")
    }

    @Test(arguments: [
        "", "a", "kind: A\n", namespaceYAML,
        String(repeating: "abcabcabd", count: 1000),
        String(repeating: "x", count: 70_000),
        (0..<3000).map { "line \($0 % 97): \($0 * 7919 % 1013)\n" }.joined(),
    ])
    func roundTrips(_ text: String) throws {
        let encoded = WorkloadContent.encode(text)
        #expect(Data(base64Encoded: encoded) != nil)
        #expect(SchedFixtures.text(try WorkloadContent.decode(encoded)) == text)
    }

    @Test func roundTripsArbitraryBytesAndCompresses() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(try WorkloadContent.decode(WorkloadContent.encode(random)) == random)
        let repetitive = Array(String(repeating: "apiVersion: v1\nkind: ConfigMap\n", count: 500).utf8)
        let compressed = Data(base64Encoded: WorkloadContent.encode(repetitive))!
        #expect(compressed.count < repetitive.count / 10)
    }

    @Test func pythonReadsOurStreams() async throws {
        try TestEnvironment.require("python3")
        let text = String(repeating: Self.namespaceYAML, count: 20) + "tail without newline"
        let script = "import base64,gzip,sys; sys.stdout.write(gzip.decompress(base64.b64decode(sys.argv[1])).decode())"
        #expect(try await TestShell.check("python3", ["-c", script, WorkloadContent.encode(text)]) == text)
    }

    @Test func rejectsContentThatIsNotBase64Gzip() {
        #expect(throws: WorkloadContentError(.notBase64)) { try WorkloadContent.decode("not base64!") }
        #expect(throws: WorkloadContentError(.notGzip)) { try WorkloadContent.decode(Data("plain text, not gzip".utf8).base64EncodedString()) }
        var corrupt = [UInt8](Data(base64Encoded: WorkloadContent.encode(Self.namespaceYAML))!)
        corrupt[corrupt.count - 6] ^= 0xff // the CRC
        #expect(throws: WorkloadContentError(.checksumMismatch)) { try WorkloadContent.decode(Data(corrupt).base64EncodedString()) }
        let truncated = [UInt8](Data(base64Encoded: WorkloadContent.encode(Self.namespaceYAML))!).dropLast(12)
        #expect(throws: WorkloadContentError.self) { try WorkloadContent.decode(Data(truncated).base64EncodedString()) }
    }

    @Test func refusesToInflatePastTheLimit() {
        let bomb = WorkloadContent.encode(String(repeating: "0", count: 100_000))
        #expect(throws: WorkloadContentError(.tooLarge(limit: 1000))) { try WorkloadContent.decode(bomb, maximumSize: 1000) }
    }
}
