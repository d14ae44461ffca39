import Foundation
import KratixAuthoring
import KratixTerraform
import KubeModel
import Testing

/// `add container`, `update api|dependencies|destination-selector` and `build promise` on Promises
/// `init promise` made (§5.8–§5.10; §5 scenarios 7–10).
@Suite struct PromiseEditingTests {
    static func promise(split: Bool) throws -> ScratchDirectory {
        let directory = try ScratchDirectory()
        let options = InitOptions(name: "postgresql", group: "syntasso.io", kind: "database", dir: directory.path, split: split)
        try GeneratedFile.write(PromiseInit.files(options), to: directory.url)
        return directory
    }

    static func yaml(_ directory: ScratchDirectory, _ file: String) throws -> JSONValue {
        try YAMLReader.documents(in: directory.read(file)).first?.value ?? .null
    }

    @Test(arguments: [false, true])
    func scenario7AddContainerScaffoldsAndRefusesADuplicate(split: Bool) throws {
        let directory = try Self.promise(split: split)
        defer { directory.remove() }
        let path = try PipelinePath(parsing: "resource/configure/instance")
        let adder = ContainerAdder(directory: directory.path, path: path, image: "project/cleanup:latest", name: nil, language: .bash)
        let lines = try adder.run()
        let file = split ? "workflows/resource/configure/workflow.yaml" : "promise.yaml"
        #expect(lines.first == "generated the resource/configure/instance/project-cleanup in \(directory.path)/\(file) ")
        #expect(lines.contains("Customise your container by editing workflows/resource/configure/instance/project-cleanup/scripts/pipeline.sh "))
        let base = "workflows/resource/configure/instance/project-cleanup"
        #expect(try directory.read("\(base)/Dockerfile").contains("FROM \"alpine\""))
        #expect(try directory.read("\(base)/scripts/pipeline.sh").contains("Hello from ${name} ${namespace}"))
        #expect(directory.exists("\(base)/resources"))
        let pipelines = split
            ? try Self.yaml(directory, file) : try Self.yaml(directory, file)[path: ["spec", "workflows", "resource", "configure"]] ?? .null
        #expect(pipelines == [[
            "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Pipeline", "metadata": ["name": "instance"],
            "spec": ["containers": [["image": "project/cleanup:latest", "name": "project-cleanup"]]],
        ]])
        #expect(throws: AuthoringError("image 'project-cleanup' already exists in Pipeline 'instance'")) { try adder.run() }
        // A second container joins the same Pipeline.
        _ = try ContainerAdder(directory: directory.path, path: path, image: "project/other", name: "second", language: .python).run()
        let after = split ? try Self.yaml(directory, file) : try Self.yaml(directory, file)[path: ["spec", "workflows", "resource", "configure"]] ?? .null
        #expect(after.arrayValue?.first?[path: ["spec", "containers"]]?.arrayValue?.count == 2)
        #expect(try directory.read("workflows/resource/configure/instance/second/scripts/pipeline.py").contains("kratix_sdk"))
    }

    @Test func addContainerChecksItsArguments() throws {
        #expect(throws: AuthoringError("invalid pipeline format: a/b, expected format: LIFECYCLE/ACTION/PIPELINE-NAME")) {
            try PipelinePath(parsing: "a/b")
        }
        #expect(throws: AuthoringError("invalid lifecycle: x, expected one of: promise, resource")) { try PipelinePath(parsing: "x/configure/p").validate() }
        #expect(throws: AuthoringError("invalid action: x, expected one of: configure, delete")) { try PipelinePath(parsing: "promise/x/p").validate() }
        #expect(throws: AuthoringError("pipeline name cannot be empty")) { try PipelinePath(parsing: "promise/delete/").validate() }
        #expect(throws: AuthoringError("invalid language: rust is not supported by the kratix cli")) { try ContainerAdder.Language(validating: "rust") }
    }

    @Test func containerNamesComeFromTheImage() {
        #expect(ContainerAdder.containerName(forImage: "ghcr.io/syntasso/postgres-resource:v1.0.0") == "ghcr-io-syntasso-postgres-resource")
        let long = ContainerAdder.containerName(forImage: "registry.example.com/" + String(repeating: "a", count: 70) + ":v1")
        // Cut to 55 characters, then `-` and the first 7 hex digits of the whole name's SHA-1.
        #expect(long == "registry-example-com-" + String(repeating: "a", count: 34) + "-ab2b83d")
        #expect(ContainerAdder.containerName(forImage: String(repeating: "b", count: 64)) == String(repeating: "b", count: 55) + "-9d682ff")
    }

    @Test(arguments: [false, true])
    func scenario8UpdateAPIAddsAndRemovesProperties(split: Bool) throws {
        let directory = try Self.promise(split: split)
        defer { directory.remove() }
        func spec() throws -> JSONValue? {
            let crd = split ? try Self.yaml(directory, "api.yaml") : try Self.yaml(directory, "promise.yaml")[path: ["spec", "api"]]
            return crd?[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec"]]
        }
        #expect(try APIUpdater(directory: directory.path, properties: ["service.port:integer", "name:string"]).run() == ["Promise api updated"])
        #expect(try spec()?[path: ["properties", "service", "properties", "port", "type"]] == "integer")
        #expect(try spec()?[path: ["properties", "service", "type"]] == "object")
        #expect(try spec()?[path: ["properties", "name", "type"]] == "string")
        _ = try APIUpdater(directory: directory.path, properties: ["service-"]).run()
        #expect(try spec()?[path: ["properties", "service"]] == nil)
        #expect(try spec()?[path: ["properties", "name", "type"]] == "string")
        _ = try APIUpdater(directory: directory.path, properties: ["name-", "absent.path-"]).run()
        #expect(try spec() == ["type": "object"], "an emptied properties map is omitted, as Go's omitempty does")
        _ = try APIUpdater(directory: directory.path, properties: ["name:string"]).run()
        #expect(throws: AuthoringError("unsupported property type: float")) { try APIUpdater(directory: directory.path, properties: ["x:float"]).run() }
        #expect(throws: AuthoringError("invalid property format: x")) { try APIUpdater(directory: directory.path, properties: ["x"]).run() }
        // As upstream: a field without properties is replaced by an object on the way down...
        _ = try APIUpdater(directory: directory.path, properties: ["name.first:string"]).run()
        #expect(try spec()?[path: ["properties", "name"]] == ["properties": ["first": ["type": "string"]], "type": "object"])
        // ...and one with properties that is not an object is refused.
        if split {
            var crd = try Self.yaml(directory, "api.yaml")
            var versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
            versions[0][path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "tags"]] = [
                "type": "array", "properties": ["x": ["type": "string"]],
            ]
            crd[path: ["spec", "versions"]] = .array(versions)
            try directory.write("api.yaml", GoYAML.marshal(crd))
            #expect(throws: AuthoringError("nested field tags is not an object")) {
                _ = try APIUpdater(directory: directory.path, properties: ["tags.y:string"]).run()
            }
        }
    }

    @Test func updateAPIRenamesTheKindWithoutDerivingAPlural() throws {
        let directory = try Self.promise(split: false)
        defer { directory.remove() }
        let lines = try APIUpdater(directory: directory.path, group: "example.org", version: "v2", kind: "Postgres").run()
        #expect(lines == ["Example resource updated", "Promise api updated"])
        let crd = try Self.yaml(directory, "promise.yaml")[path: ["spec", "api"]]
        #expect(crd?[path: ["metadata", "name"]] == "databases.example.org")
        #expect(crd?[path: ["spec", "names"]] == ["kind": "Postgres", "plural": "databases", "singular": "postgres"])
        let example = try Self.yaml(directory, "example-resource.yaml")
        #expect(example["apiVersion"] == "example.org/v2" && example["kind"] == "Postgres")
    }

    @Test func updateAPIWithoutAPromiseSaysToRunInit() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        do {
            _ = try APIUpdater(directory: directory.path, properties: ["a:string"]).run()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("failed to find api.yaml or promise.yaml in directory. Please run 'kratix init promise' first: "))
        }
    }

    @Test func scenario9DestinationSelectorSetsAndRemovesALabel() throws {
        let directory = try Self.promise(split: false)
        defer { directory.remove() }
        #expect(try DestinationSelectorUpdater(directory: directory.path, argument: "env=dev").run() == ["Promise destination selector updated"])
        #expect(try Self.yaml(directory, "promise.yaml")[path: ["spec", "destinationSelectors"]] == [["matchLabels": ["env": "dev"]]])
        _ = try DestinationSelectorUpdater(directory: directory.path, argument: "zone=eu").run()
        _ = try DestinationSelectorUpdater(directory: directory.path, argument: "env-").run()
        #expect(try Self.yaml(directory, "promise.yaml")[path: ["spec", "destinationSelectors"]] == [["matchLabels": ["zone": "eu"]]])
        _ = try DestinationSelectorUpdater(directory: directory.path, argument: "zone-").run()
        #expect(try Self.yaml(directory, "promise.yaml")[path: ["spec", "destinationSelectors"]] == [.object([:])])
        #expect(throws: AuthoringError("invalid destination key: env")) { try DestinationSelectorUpdater(directory: directory.path, argument: "env").run() }
        let empty = try ScratchDirectory()
        defer { empty.remove() }
        #expect(throws: AuthoringError.self) { try DestinationSelectorUpdater(directory: empty.path, argument: "a=b").run() }
    }

    @Test func updateDependenciesInlinesOrShipsThemInAWorkflow() throws {
        let manifests = CLITestData.url("test/assets").appendingPathComponent("operator").path
        let flat = try Self.promise(split: false)
        defer { flat.remove() }
        #expect(try DependenciesUpdater(directory: flat.path, source: manifests).run() == ["Updated promise.yaml"])
        #expect(try Self.yaml(flat, "promise.yaml")[path: ["spec", "dependencies"]]?.arrayValue?.count == 7)
        let lines = try DependenciesUpdater(directory: flat.path, source: manifests, image: "me/deps:v1").run()
        #expect(lines.contains("Dependencies added as a Promise workflow."))
        #expect(lines.contains("\n  docker build -t me/deps:v1 \(flat.path)/workflows/promise/configure/dependencies/configure-deps\n"))
        let promise = try Self.yaml(flat, "promise.yaml")
        #expect(promise[path: ["spec", "dependencies"]] == nil, "emptied")
        #expect(promise[path: ["spec", "workflows", "promise", "configure"]]?.arrayValue?.first?[path: ["spec", "containers"]] == [
            ["image": "me/deps:v1", "name": "configure-deps"]
        ])
        let base = "workflows/promise/configure/dependencies/configure-deps"
        #expect(try flat.read("\(base)/scripts/pipeline.sh") == "#!/usr/bin/env sh\n\ncp /resources/* /kratix/output")
        #expect(flat.exists("\(base)/resources/postgres-crd.yaml") && flat.exists("\(base)/resources/subdir/account.yaml"))
        // Again with another image: the container is replaced, not refused.
        _ = try DependenciesUpdater(directory: flat.path, source: manifests, image: "me/deps:v2").run()
        #expect(try Self.yaml(flat, "promise.yaml")[path: ["spec", "workflows", "promise", "configure"]]?.arrayValue?.first?[path: ["spec", "containers"]] == [
            ["image": "me/deps:v2", "name": "configure-deps"]
        ])

        let split = try Self.promise(split: true)
        defer { split.remove() }
        #expect(try DependenciesUpdater(directory: split.path, source: manifests).run() == ["Updated dependencies.yaml"])
        #expect(try GoYAML.unmarshal(split.read("dependencies.yaml"), file: "d")?.arrayValue?.count == 7)
        #expect(throws: AuthoringError("failed to stat dependency: /nonexistent")) { try DependenciesUpdater(directory: split.path, source: "/nonexistent").run() }
    }

    @Test func scenario10BuildPromiseJoinsASplitPromise() throws {
        let directory = try Self.promise(split: true)
        defer { directory.remove() }
        _ = try DependenciesUpdater(directory: directory.path, source: CLITestData.url("test/assets").appendingPathComponent("operator/account.yaml").path).run()
        _ = try ContainerAdder(directory: directory.path, path: try PipelinePath(parsing: "resource/configure/instance"), image: "a/b:1", name: nil, language: .bash).run()
        _ = try ContainerAdder(directory: directory.path, path: try PipelinePath(parsing: "promise/delete/cleanup"), image: "a/c:1", name: nil, language: .bash).run()
        var notices: [String] = []
        let text = try PromiseBuilder(directory: directory.path, name: "postgresql").build { notices.append($0) }
        #expect(notices == ["No promise.yaml found, assuming --split was used to initialise the Promise"])
        let promise = try YAMLReader.singleDocument(in: text)
        #expect(promise["kind"] == "Promise" && promise[path: ["metadata", "name"]] == "postgresql")
        #expect(promise[path: ["metadata", "labels"]] == nil, "build adds no promise-version label")
        #expect(promise[path: ["spec", "api", "metadata", "name"]] == "databases.syntasso.io")
        #expect(promise[path: ["spec", "dependencies"]]?.arrayValue?.count == 2)
        #expect(promise[path: ["spec", "workflows", "resource", "configure"]]?.arrayValue?.first?[path: ["metadata", "name"]] == "instance")
        #expect(promise[path: ["spec", "workflows", "promise", "delete"]]?.arrayValue?.first?[path: ["metadata", "name"]] == "cleanup")
    }

    @Test func scenario11BuildContainerPlansUpstreamsEngineRuns() throws {
        let directory = try Self.promise(split: false)
        defer { directory.remove() }
        let path = try PipelinePath(parsing: "resource/configure/p")
        _ = try ContainerAdder(directory: directory.path, path: path, image: "me/img:v1", name: nil, language: .bash).run()
        let builder = ContainerBuilder(directory: directory.path, path: "resource/configure/p", engine: "podman", push: true)
        let plan = try builder.plan(executable: "/stub/podman") { _ in }
        #expect(plan.map(\.message) == ["Building container with tag me/img:v1...", "Pushing container with tag me/img:v1..."])
        #expect(plan.map(\.run.arguments) == [
            ["build", "--tag", "me/img:v1", "\(directory.path)/workflows/resource/configure/p/me-img"], ["push", "me/img:v1"],
        ])
        let buildx = ContainerBuilder(directory: directory.path, path: nil, all: true, buildx: true, buildArgs: "--platform linux/amd64", push: true)
        #expect(try buildx.plan(executable: "/stub/docker") { _ in }.map(\.run.arguments) == [
            ["buildx", "build", "--tag", "me/img:v1", "\(directory.path)/workflows/resource/configure/p/me-img", "--push", "--platform", "linux/amd64"]
        ])
        #expect(throws: AuthoringError("expected at least 1 argument")) { try ContainerBuilder(directory: directory.path, path: nil).plan(executable: "x") { _ in } }
        _ = try ContainerAdder(directory: directory.path, path: path, image: "me/other:v1", name: nil, language: .bash).run()
        #expect(throws: AuthoringError("more than one container exists for this pipeline, please provide a name with --name")) {
            try ContainerBuilder(directory: directory.path, path: "resource/configure/p").plan(executable: "x") { _ in }
        }
        #expect(throws: AuthoringError("unsupported container engine: nerdctl (supported: docker, podman; --buildx runs `<engine> buildx`)")) {
            try ContainerBuilder(directory: directory.path, path: nil, engine: "nerdctl").engineExecutable(path: "/usr/bin")
        }
        #expect(throws: AuthoringError("podman CLI not found in PATH")) {
            try ContainerBuilder(directory: directory.path, path: nil, engine: "podman").engineExecutable(path: "/nonexistent")
        }
        let empty = try Self.promise(split: false)
        defer { empty.remove() }
        #expect(throws: AuthoringError("no workflows found")) { try ContainerBuilder(directory: empty.path, path: "a/b/c").plan(executable: "x") { _ in } }
    }
}
