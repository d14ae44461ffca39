import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixAuthoring

/// A Pulumi schema fetched over HTTP (loopback), and a missing one naming the URL and status.
@Suite(.serialized) struct PulumiSchemaURLTests {
    @Test func schemaOverHTTP() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try dir.write("www/schema.json", try CLITestData.read("test/assets/pulumi/schema.valid.json"))
        let python = try #require(TestEnvironment.which("python3"), "python3 is not installed")
        let port = TestNetwork.freePort()
        let server = try TestServerProcess(python, ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir.path + "/www"],
                                           log: dir.path + "/server.log")
        do {
            try await server.waitUntil(timeout: .seconds(30)) { TestNetwork.portOpen(port) }
            let schema = try await PulumiSchema.load("http://127.0.0.1:\(port)/schema.json", environment: [:])
            #expect(try PulumiComponent.select(in: schema, requested: nil).token == "pkg:index:Database")
            await #expect {
                _ = try await PulumiSchema.load("http://127.0.0.1:\(port)/missing.json?token=secret", environment: [:])
            } throws: { error in
                (error as? AuthoringError)?.description
                    == "load schema: fetch input schema URL: unexpected status 404 for http://127.0.0.1:\(port)/missing.json"
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
