import Foundation
import KubeModel
import Testing

@testable import KratixJobRunner

@Suite struct ImageMapTests {
    @Test func referencesAreNormalisedAsDockerDoes() {
        let busybox = ImageReference(parsing: "busybox")
        #expect(busybox.repository == "docker.io/library/busybox" && busybox.tag == nil && busybox.effectiveTag == "latest")
        #expect(ImageReference(parsing: "docker.io/busybox:1.36").repository == "docker.io/library/busybox")
        #expect(ImageReference(parsing: "test/shell").repository == "docker.io/test/shell")
        let registry = ImageReference(parsing: "localhost:5000/stage:v2@sha256:abc")
        #expect(registry.repository == "localhost:5000/stage" && registry.tag == "v2" && registry.digest == "sha256:abc")
        #expect(ImageReference(parsing: "ghcr.io/a/b").isExact == false)
    }

    @Test func exactReferencesWinOverRepositories() throws {
        let map = try ImageMap(yaml: """
            images:
              - image: ghcr.io/example/stage
                command: [/usr/local/bin/stage]
              - image: ghcr.io/example/stage:v2
                command: [/usr/local/bin/stage-v2]
                args: [--fast]
                path: /opt/stages/bin
                workingDir: /tmp
              - image: busybox:latest
                command: [/bin/busybox]
            """, source: "images.yaml")
        #expect(map.entry(for: "ghcr.io/example/stage:v1")?.command == ["/usr/local/bin/stage"])
        #expect(map.entry(for: "ghcr.io/example/stage@sha256:0")?.command == ["/usr/local/bin/stage"])
        let v2 = try #require(map.entry(for: "ghcr.io/example/stage:v2"))
        #expect(v2.command == ["/usr/local/bin/stage-v2"] && v2.args == ["--fast"] && v2.path == "/opt/stages/bin" && v2.workingDir == "/tmp")
        #expect(map.entry(for: "busybox")?.command == ["/bin/busybox"])
        #expect(map.entry(for: "docker.io/library/busybox:latest")?.command == ["/bin/busybox"])
        #expect(map.entry(for: "busybox:1.36") == nil)
        #expect(map.entry(for: "ghcr.io/example/other") == nil)
    }

    @Test func relativeProgramsAndPathsAreRelativeToTheMapFile() throws {
        let map = try ImageMap(yaml: """
            images:
              - image: ghcr.io/example/stage
                command: [stage/run.sh, --verbose]
                path: stage/bin
              - image: busybox
                command: [sh]
                path: /opt/bin
            """, source: "/repo/examples/images.yaml")
        let stage = try #require(map.entry(for: "ghcr.io/example/stage:v1"))
        #expect(stage.command == ["/repo/examples/stage/run.sh", "--verbose"])
        #expect(stage.path == "/repo/examples/stage/bin")
        // A bare program name is still looked up on PATH, and absolute paths stay as written.
        #expect(map.entry(for: "busybox")?.command == ["sh"])
        #expect(map.entry(for: "busybox")?.path == "/opt/bin")
    }

    @Test func misspeltKeysAreErrorsNamingTheField() {
        #expect(throws: ModelError.self) {
            try ImageMap(yaml: "images:\n  - image: a\n    comand: [x]\n", source: "images.yaml")
        }
        do {
            _ = try ImageMap(yaml: "images:\n  - image: a\n    comand: [x]\n", source: "images.yaml")
        } catch {
            #expect(error.description.contains("comand") && error.description.contains("images.yaml"))
        }
    }

    @Test func thePipelineAdapterIsTheKratixBinary() throws {
        let catalog = ImageCatalog(configuration: .init(mapPath: nil, kratixExecutable: "/usr/bin/kratix", pipelineAdapterImage: "registry.local/kratix:dev"))
        for image in ["ghcr.io/syntasso/kratix-platform-pipeline-adapter:v0.1.0", "registry.local/kratix:dev"] {
            let entry = try catalog.entry(for: image)
            let command = try ContainerCommand.resolve(command: ["/bin/pipeline-adapter"], args: ["reader"], image: entry, environment: [:])
            #expect(command.argv == ["/usr/bin/kratix", "pipeline-adapter", "reader"])
            let defaulted = try ContainerCommand.resolve(command: nil, args: ["update-status"], image: entry, environment: [:])
            #expect(defaulted.argv == ["/usr/bin/kratix", "pipeline-adapter", "update-status"])
        }
        #expect(throws: ImageLookupError.notMapped(image: "busybox", mapPath: nil)) { try catalog.entry(for: "busybox") }
    }

    @Test func theMapFileIsReadAgainWhenItChanges() throws {
        let directory = try Fixtures.temporaryDirectory("reload")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/images.yaml"
        let catalog = ImageCatalog(configuration: .init(mapPath: path, kratixExecutable: "/bin/true"))
        #expect(throws: ImageLookupError.self) { try catalog.entry(for: "test/a") }
        try "images:\n  - {image: test/a, command: [/bin/a]}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try catalog.entry(for: "test/a").command == ["/bin/a"])
        #expect(throws: ImageLookupError.notMapped(image: "test/b", mapPath: path)) { try catalog.entry(for: "test/b") }
        try "images:\n  - {image: test/b, command: [/bin/b]}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try catalog.entry(for: "test/b").command == ["/bin/b"])
        // A broken edit keeps the last good map rather than unmapping everything.
        try "images: [ {image: test/c\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try catalog.entry(for: "test/b").command == ["/bin/b"])
    }

    @Test func aMapsKratixProgramIsTheRunningBinary() throws {
        let directory = try Fixtures.temporaryDirectory("kratix-program")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/images.yaml"
        try """
            images:
              - {image: ghcr.io/syntasso/kratix-cli/terraform-generate, command: [kratix, terraform-generate]}
              - image: ghcr.io/syntasso/kratix-cli/pulumi-generator
                commands: {/pulumi-stack-generator: [kratix, pulumi-generator, stack]}
              - {image: test/other, command: [kratixish]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let catalog = ImageCatalog(configuration: .init(mapPath: path, kratixExecutable: "/opt/kratix/bin/kratix"))
        #expect(try catalog.entry(for: "ghcr.io/syntasso/kratix-cli/terraform-generate:v0.7.0").command
            == ["/opt/kratix/bin/kratix", "terraform-generate"])
        let pulumi = try catalog.entry(for: "ghcr.io/syntasso/kratix-cli/pulumi-generator:v0.1.3")
        let stack = try ContainerCommand.resolve(command: ["/pulumi-stack-generator"], args: nil, image: pulumi, environment: [:])
        #expect(stack.argv == ["/opt/kratix/bin/kratix", "pulumi-generator", "stack"])
        #expect(try catalog.entry(for: "test/other").command == ["kratixish"])
    }

    @Test func notMappedMessagesNameTheImageAndTheFile() {
        #expect(ImageLookupError.notMapped(image: "x:1", mapPath: "/etc/images.yaml").description
            == "image \"x:1\" is not in the runner's image map /etc/images.yaml")
    }
}

@Suite struct ImageCatalogFilesTests {
    @Test func severalFilesActAsOneMap() throws {
        let directory = try Fixtures.temporaryDirectory("maps")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = directory + "/images.yaml", second = directory + "/examples.yaml"
        try "images:\n  - {image: test/a, command: [/bin/a-first]}\n".write(toFile: first, atomically: true, encoding: .utf8)
        try "images:\n  - {image: test/a, command: [/bin/a-second]}\n  - {image: 'test/a:v2', command: [/bin/a-v2]}\n  - {image: test/b, command: [/bin/b]}\n"
            .write(toFile: second, atomically: true, encoding: .utf8)
        let catalog = ImageCatalog(configuration: .init(mapPath: first, additionalMapPaths: [second], kratixExecutable: "/bin/true"))
        #expect(try catalog.entry(for: "test/a:v1").command == ["/bin/a-first"])
        #expect(try catalog.entry(for: "test/a:v2").command == ["/bin/a-v2"])
        #expect(try catalog.entry(for: "test/b").command == ["/bin/b"])
        #expect(throws: ImageLookupError.notMapped(image: "test/c", mapPath: "\(first), \(second)")) { try catalog.entry(for: "test/c") }
    }
}
