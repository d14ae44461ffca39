import Foundation
import KratixAPI
import Testing
@testable import KratixPipelineAdapter

/// Reading a pipeline's output directory, and refusing what would leak or break.
@Suite struct PipelineOutputTests {
    @Test func readsFilesInWalkOrder() async throws {
        try await AdapterScratch.with { scratch in
            try scratch.write("out/z.yaml", "z: 1\n")
            try scratch.write("out/a.txt", "not yaml: [")
            try scratch.write("out/dir/b.yaml", "b: 2\n")
            try scratch.write("out/dir/a/c.yml", "c: 3\n")
            try scratch.mkdir("out/empty")
            try scratch.symlink("out/link.yaml", to: scratch.root.appendingPathComponent("out/z.yaml").path)
            let output = try PipelineOutput.read(directory: scratch.root.appendingPathComponent("out").path)
            #expect(output.files.map(\.path) == ["a.txt", "dir/a/c.yml", "dir/b.yaml", "link.yaml", "z.yaml"])
            #expect(output.files.first { $0.path == "link.yaml" }?.contents == Array("z: 1\n".utf8))
            #expect(output.topLevelDirectories == ["dir", "empty"])
        }
    }

    @Test func missingDirectoryReadsAsEmpty() throws {
        let output = try PipelineOutput.read(directory: "/nonexistent-\(UUID().uuidString)")
        #expect(output.files.isEmpty)
    }

    /// As upstream: every file's bytes are kept, YAML or not; a `.yaml` file that does not parse
    /// is listed (the work-creator warns about it) instead of failing the pipeline.
    @Test func invalidYAMLIsKeptAsWrittenAndNamed() async throws {
        try await AdapterScratch.with { scratch in
            try scratch.write("out/good.yaml", "a: 1\n")
            try scratch.write("out/sub/bad.yaml", "key: [unclosed\n")
            let output = try PipelineOutput.read(directory: scratch.root.appendingPathComponent("out").path)
            #expect(output.files.first { $0.path == "sub/bad.yaml" }?.contents == Array("key: [unclosed\n".utf8))
            #expect(output.invalidYAML.count == 1)
            #expect(output.invalidYAML.first?.path.hasSuffix("/out/sub/bad.yaml") == true)
            #expect(output.invalidYAML.first?.message.hasPrefix("invalid YAML") == true)
        }
    }

    @Test func symlinksOutOfTheDirectoryAreRefused() async throws {
        try await AdapterScratch.with { scratch in
            try scratch.write("secret", "token: s3cr3t\n")
            try scratch.symlink("out/leak.yaml", to: scratch.root.appendingPathComponent("secret").path)
            do {
                _ = try PipelineOutput.read(directory: scratch.root.appendingPathComponent("out").path)
                Issue.record("expected an error")
            } catch let error as PipelineAdapterError {
                #expect(error.file?.hasSuffix("/out/leak.yaml") == true)
                #expect(error.message.contains("outside the output directory"))
                #expect(!error.description.contains("s3cr3t"))
            }
        }
    }

    @Test func relativeSymlinksEscapingWithDotDotAreRefused() async throws {
        try await AdapterScratch.with { scratch in
            try scratch.write("outside.yaml", "a: 1\n")
            try scratch.symlink("out/nested/up.yaml", to: "../../outside.yaml")
            #expect(throws: PipelineAdapterError.self) {
                try PipelineOutput.read(directory: scratch.root.appendingPathComponent("out").path)
            }
        }
    }

    @Test func symlinkedDirectoriesAreRefused() async throws {
        try await AdapterScratch.with { scratch in
            try scratch.write("out/real/a.yaml", "a: 1\n")
            try scratch.symlink("out/alias", to: scratch.root.appendingPathComponent("out/real").path)
            #expect(throws: PipelineAdapterError.self) {
                try PipelineOutput.read(directory: scratch.root.appendingPathComponent("out").path)
            }
        }
    }
}
