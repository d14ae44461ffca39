import Foundation
import KratixAuthoring
import KratixTerraform
import KubeModel
import Testing

/// `kratix init promise` (§5.2; §5 scenarios 1 and 2).
@Suite struct PromiseInitTests {
    static func write(split: Bool) throws -> ScratchDirectory {
        let directory = try ScratchDirectory()
        let options = InitOptions(name: "postgresql", group: "syntasso.io", kind: "database", dir: directory.path, split: split)
        try GeneratedFile.write(PromiseInit.files(options), to: directory.url)
        return directory
    }

    @Test func scenario1WritesAPromiseExampleAndReadme() throws {
        let directory = try Self.write(split: false)
        defer { directory.remove() }
        #expect(directory.files() == ["README.md", "example-resource.yaml", "promise.yaml"])
        let promise = try YAMLReader.singleDocument(in: directory.read("promise.yaml"))
        #expect(promise[path: ["spec", "api", "metadata", "name"]] == "databases.syntasso.io")
        let version = promise[path: ["spec", "api", "spec", "versions"]]?.arrayValue?.first
        #expect(version?["name"] == "v1alpha1")
        #expect(version?[path: ["schema", "openAPIV3Schema", "properties", "spec"]] == ["default": .object([:]), "type": "object"])
        #expect(promise[path: ["spec", "api", "spec", "names", "singular"]] == "database")
        #expect(promise[path: ["metadata", "labels", "kratix.io/promise-version"]] == "v0.0.1")
        #expect(promise[path: ["spec", "workflows", "promise", "configure"]] == [])
        #expect(promise[path: ["spec", "workflows", "resource", "configure"]] == [])
        #expect(promise[path: ["spec", "destinationSelectors"]] == nil)
        #expect(try directory.read("example-resource.yaml") == "apiVersion: syntasso.io/v1alpha1\nkind: database\nmetadata:\n  name: example-postgresql\n")
        #expect(try directory.read("README.md").contains("kratix init promise postgresql  --group syntasso.io --kind database"))
        // R1: sprig's indent leaves a whitespace-only line after the embedded schema.
        #expect(try directory.read("promise.yaml").contains("                  type: object\n                  \n          served: true"))
    }

    @Test func scenario2SplitWritesTheAPIAndAnEmptyDependenciesFile() throws {
        let directory = try Self.write(split: true)
        defer { directory.remove() }
        #expect(directory.files() == ["README.md", "api.yaml", "dependencies.yaml", "example-resource.yaml"])
        #expect(try directory.read("dependencies.yaml") == "")
        let api = try YAMLReader.singleDocument(in: directory.read("api.yaml"))
        #expect(api["kind"] == "CustomResourceDefinition")
        #expect(api[path: ["metadata", "name"]] == "databases.syntasso.io")
    }

    @Test func theSummaryNamesTheDirectory() {
        #expect(PromiseInit.summary(InitOptions(name: "p", group: "g", kind: "k")) == "p promise bootstrapped in the current directory")
        #expect(PromiseInit.summary(InitOptions(name: "p", group: "g", kind: "k", dir: "out")) == "p promise bootstrapped in the out directory")
    }
}
