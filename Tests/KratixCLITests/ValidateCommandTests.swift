import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func acceptsEveryPublishedFixture() async throws {
        let fixtures = Support.sharedDirectory.appendingPathComponent("fixtures").path
        let result = try await Support.run(Support.kratixBinary.path, ["validate", fixtures])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("object(s) valid"))
    }

    @Test func reportsFileDocumentAndFieldAndFails() async throws {
        let yaml = """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata: {name: ok}
            spec: {path: ok, stateStoreRef: {kind: GitStateStore, name: default}}
            ---
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: bad}
            spec:
              workflows: nope
            """
        let result = try await Support.run(Support.kratixBinary.path, ["validate", "-"], stdin: yaml)
        #expect(result.status != 0)
        #expect(result.stderr.contains("<stdin>: document 1: spec.workflows: expected object, found string"), "\(result.stderr)")
    }

    @Test func missingFileIsAnError() async throws {
        let result = try await Support.run(Support.kratixBinary.path, ["validate", "/nonexistent/file.yaml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no such file"))
    }
}
