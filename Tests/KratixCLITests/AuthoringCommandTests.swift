import ChildProcesses
import Foundation
import KratixAPI
import KratixTestSupport
import Testing

/// kratix-cli's authoring commands through the real `kratix` binary, as upstream's tests drive
/// theirs: from kratix-cli's `test/` directory with its relative `assets/...` paths, stub container
/// engines first on PATH, and plugins on PATH.
@Suite struct AuthoringCommandTests {
    static let upstreamTestDirectory = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/kratix-cli/test").path
    static let stubEngines = "\(upstreamTestDirectory)/assets/binaries"

    static func kratix(_ arguments: [String], cwd: String? = nil, path: String? = nil) async throws -> TestShell.Output {
        var environment: [String: String] = [:]
        if let path { environment["PATH"] = path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }
        return try await TestShell.run(Support.kratixBinary.path, arguments, cwd: cwd, environment: environment)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func helpListsTheAuthoringCommands() async throws {
        let help = try await Self.kratix(["--help"])
        for command in ["add", "update", "build", "platform", "plugin", "from-api-to-operator", "from-api-to-crossplane-claim"] {
            #expect(help.stdout.contains("\n  \(command)"), "--help does not list \(command)")
        }
        let initHelp = try await Self.kratix(["init", "--help"])
        for command in ["promise", "operator-promise", "crossplane-promise", "tf-module-promise"] {
            #expect(initHelp.stdout.contains("  \(command) "), "init --help does not list \(command)")
        }
    }

    /// §5 scenario 3 exactly as upstream runs it: byte-equal files, the preview warning first.
    @Test func scenario3CrossplanePromiseFromUpstreamsTestDirectory() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await Self.kratix(
            ["init", "crossplane-promise", "s3buckets", "--xrd", "assets/crossplane/xrd.yaml", "--group", "syntasso.io", "--kind", "S3Bucket",
             "--dir", output], cwd: Self.upstreamTestDirectory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix(
            "\u{1B}[31mPreview: This command is in preview, not supported under SLAs, and may change or break without notice.\u{1B}[0m\n"))
        #expect(result.stdout.hasSuffix("Crossplane Promise generated successfully.\n"))
        for file in ["promise.yaml", "example-resource.yaml"] {
            let generated = try String(contentsOfFile: "\(output)/\(file)", encoding: .utf8)
            let golden = try String(contentsOfFile: "\(Self.upstreamTestDirectory)/assets/crossplane/expected-output/\(file)", encoding: .utf8)
            #expect(generated == golden, "\(file)")
        }
        let readme = try String(contentsOfFile: "\(output)/README.md", encoding: .utf8)
        #expect(readme.contains("  kratix init crossplane-promise s3buckets --xrd assets/crossplane/xrd.yaml --group syntasso.io --kind S3Bucket\n"))
    }

    /// §5 scenario 4 through the binary: its stdout.
    @Test func scenario4OperatorPromisePrintsHowToMoveTheDependencies() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await Self.kratix(
            ["init", "operator-promise", "postgresql", "--operator-manifests", "assets/operator", "--api-schema-from", "postgresqls.acid.zalan.do",
             "--group", "myorg.com", "--kind", "Database", "--dir", output], cwd: Self.upstreamTestDirectory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Promise generated successfully.\n"))
        #expect(result.stdout.contains("kratix update dependencies assets/operator --image yourorg/your-image:tag"))
        let missing = try await Self.kratix(
            ["init", "operator-promise", "postgresql", "-m", "assets/operator", "-a", "nope", "-g", "myorg.com", "-k", "Database", "-d", output],
            cwd: Self.upstreamTestDirectory)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Error: no CRD found matching name: nope"), "\(missing.stderr)")
    }

    @Test func initPromisePrintsWhereItWrote() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await Self.kratix(["init", "promise", "postgresql", "--group", "syntasso.io", "--kind", "database", "--dir", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "postgresql promise bootstrapped in the \(output) directory\n")
    }

    /// §5 scenario 11: the fixture's stub `podman` first on PATH records what it was asked to run.
    @Test func scenario11BuildContainerRunsTheStubEngine() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try await Self.kratix(["init", "promise", "p", "-g", "syntasso.io", "-k", "Thing", "-d", output])
        let added = try await Self.kratix(["add", "container", "resource/configure/p", "--image", "me/img:v1", "--dir", output])
        #expect(added.status == 0, "\(added.stderr)")
        let built = try await Self.kratix(["build", "container", "resource/configure/p", "--engine", "podman", "--push", "--dir", output], path: Self.stubEngines)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout == """
            Building container with tag me/img:v1...
            fake-podman build --tag me/img:v1 \(output)/workflows/resource/configure/p/me-img
            Pushing container with tag me/img:v1...
            fake-podman push me/img:v1

            """)
        let docker = try await Self.kratix(["build", "container", "resource/configure/p", "--buildx", "--push", "--dir", output], path: Self.stubEngines)
        #expect(docker.stdout.contains("buildx build --tag me/img:v1 \(output)/workflows/resource/configure/p/me-img --push"), "\(docker.stdout)")
        let none = try await TestShell.run(
            Support.kratixBinary.path, ["build", "container", "resource/configure/p", "--engine", "podman", "--dir", output],
            environment: ["PATH": "/nonexistent"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("podman CLI not found in PATH"), "\(none.stderr)")
    }

    /// §5 scenario 13: `kratix-foo_bar` on PATH runs as `kratix foo-bar`, and `plugin list` shows it.
    @Test func scenario13PluginsRunAndAreListed() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plugin = "\(directory)/kratix-foo_bar"
        try "#!/bin/sh\necho \"plugin got: $*\"\n".write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let ran = try await Self.kratix(["foo-bar", "x"], path: directory)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == "plugin got: x\n")
        let listed = try await TestShell.run(Support.kratixBinary.path, ["plugin", "list"], environment: ["PATH": directory])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == "The following compatible plugins are available:\n\n"
            + "kratix foo-bar" + String(repeating: " ", count: 26) + " (\(directory))\n")
        let unknown = try await Self.kratix(["no-such-command"], path: directory)
        #expect(unknown.status != 0)
    }

    /// The stage subcommands as a Job runs them: environment in, file out.
    @Test func stageSubcommandsWriteTheirObject() async throws {
        let output = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let input = TestEnvironment.sharedDirectory.appendingPathComponent("testdata/kratix-cli/stages/crossplane-promise/test/assets/test-object.yaml").path
        let result = try await TestShell.run(Support.kratixBinary.path, ["from-api-to-crossplane-claim"], environment: [
            "KRATIX_INPUT_FILE": input, "KRATIX_OUTPUT_FILE": "\(output)/object.yaml", "XRD_GROUP": "example.com", "XRD_VERSION": "v1",
            "XRD_KIND": "Example",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: "\(output)/object.yaml", encoding: .utf8).hasPrefix("apiVersion: example.com/v1\nkind: Example\n"))
        let missing = try await TestShell.run(Support.kratixBinary.path, ["from-api-to-operator"], environment: [
            "KRATIX_INPUT_FILE": input, "OPERATOR_GROUP": "", "OPERATOR_VERSION": "v1", "OPERATOR_KIND": "Example",
        ])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Expected OPERATOR_GROUP to be set"), "\(missing.stderr)")
    }
}

/// `kratix platform get resources` against the embedded API server, through `--kubeconfig`.
@Suite struct PlatformGetResourcesTests {
    static func crd(plural: String, kind: String, group: String, promise: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: \(plural).\(group)
          labels: {kratix.io/promise-name: \(promise)}
        spec:
          group: \(group)
          names: {kind: \(kind), plural: \(plural), singular: \(kind.lowercased())}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """
    }

    @Test func listsRequestsAndTheSubRequestsThatPointBackAtThem() async throws {
        try await TestAPIServer.with { server in
            func kubectl(_ arguments: [String], stdin: String? = nil) async throws {
                let result = try await server.kubectl(arguments, stdin: stdin)
                #expect(result.status == 0, "kubectl \(arguments): \(result.stderr)")
            }
            func resources(_ promise: String) async throws -> TestShell.Output {
                try await TestShell.run(Support.kratixBinary.path, ["platform", "get", "resources", promise, "--kubeconfig", server.kubeconfig])
            }
            try await kubectl(["apply", "-f", "-"], stdin: KratixCRDsText.promise)
            let stack = Self.crd(plural: "stacks", kind: "Stack", group: "example.org", promise: "stack")
            let database = Self.crd(plural: "databases", kind: "Database", group: "example.org", promise: "database")
            try await kubectl(["apply", "-f", "-"], stdin: stack + "\n---\n" + database)
            let missing = try await resources("stack")
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("promise: stack not found"), "\(missing.stderr)")
            try await kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: empty}
                spec: {}
                ---
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: stack}
                spec:
                  api:
                \(stack.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                """)
            let noAPI = try await resources("empty")
            #expect(noAPI.stderr.contains("promise: empty contains no API"), "\(noAPI.stderr)")
            let none = try await resources("stack")
            #expect(none.status == 0, "\(none.stderr)")
            #expect(none.stdout == "No requests found for promise \"stack\"\n")
            try await kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: example.org/v1
                kind: Stack
                metadata: {name: shop, namespace: default}
                ---
                apiVersion: example.org/v1
                kind: Database
                metadata:
                  name: shop-db
                  namespace: default
                  labels: {kratix.io/parent-resource-name: shop, kratix.io/parent-resource-namespace: default, kratix.io/parent-promise-name: stack}
                ---
                apiVersion: example.org/v1
                kind: Database
                metadata:
                  name: legacy-db
                  namespace: default
                  labels:
                    kratix.io/component-of-promise-name: stack
                    kratix.io/component-of-resource-name: shop
                    kratix.io/component-of-resource-namespace: default
                ---
                apiVersion: example.org/v1
                kind: Database
                metadata:
                  name: unrelated-db
                  namespace: default
                  labels: {kratix.io/parent-resource-name: shop, kratix.io/parent-resource-namespace: elsewhere}
                """)
            let tree = try await resources("stack")
            #expect(tree.status == 0, "\(tree.stderr)")
            let lines = tree.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "  - shop")
            #expect(tree.stdout.contains("    |\n    |--shop-db\n"))
            #expect(tree.stdout.contains("    |\n    |--legacy-db\n"))
            #expect(!tree.stdout.contains("unrelated-db"))
        }
    }
}

/// The Promise CRD as `kratix manifests crds` writes it.
enum KratixCRDsText {
    static var promise: String {
        KratixCRDs.yaml(Promise.crd)
    }
}
