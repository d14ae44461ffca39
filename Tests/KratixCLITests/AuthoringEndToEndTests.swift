import Foundation
import KratixTestSupport
import Testing

/// Promises made by `kratix init helm-promise` and `kratix init pulumi-component-promise` install
/// on `kratix dev` unchanged, their example resources are accepted by kubectl, and their
/// pipelines (the `helm-resource-configure` and `pulumi-generator` stages of this binary) write
/// to the state store. Everything runs here: the binary, the embedded API server, the runner,
/// kubectl and git; only `helm` is a stand-in script, as none is installed.
@Suite(.serialized) struct AuthoringEndToEndTests {
    struct Platform {
        let scratch: URL
        let dataDir: URL
        let server: TestServerProcess
        let kubectl: String

        var kubeconfig: String { dataDir.appendingPathComponent("kubeconfig").path }

        func kubectl(_ arguments: [String]) async throws -> TestShell.Output {
            try await TestShell.run(kubectl, arguments, environment: ["KUBECONFIG": kubeconfig])
        }

        /// Retries while the API is still establishing a new CRD.
        func apply(_ file: String, timeout: Duration = .seconds(90)) async throws {
            var lastError = ""
            let applied = await Polling.until(timeout, every: .milliseconds(500)) {
                let result = try await kubectl(["apply", "-f", file])
                lastError = result.stderr
                return result.status == 0
            }
            if !applied { throw TestShell.Failure(description: "kubectl apply -f \(file): \(lastError)") }
        }

        /// Every file on branch main of the state store whose content contains `needle`.
        func stateStoreFiles(containing needle: String, timeout: Duration = .seconds(180)) async throws -> [String: String] {
            let git = dataDir.appendingPathComponent("state-store.git").path
            var found: [String: String] = [:]
            let written = await Polling.until(timeout, every: .seconds(1)) {
                let list = try await TestShell.run("git", ["--git-dir", git, "ls-tree", "-r", "--name-only", "main"])
                guard list.status == 0 else { return false }
                for path in list.stdout.split(separator: "\n").map(String.init) {
                    let show = try await TestShell.run("git", ["--git-dir", git, "show", "main:\(path)"])
                    if show.stdout.contains(needle) { found[path] = show.stdout }
                }
                return !found.isEmpty
            }
            if written { return found }
            throw TestShell.Failure(description: "no file in the state store contains \(needle); dev log:\n\(server.log.suffix(4000))")
        }

        func stop() async {
            await server.stop()
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    static let stubHelm = """
        #!/bin/sh
        # Stands in for `helm template NAME CHART ... --values values.yaml`: one ConfigMap per release.
        echo "apiVersion: v1"
        echo "kind: ConfigMap"
        echo "metadata:"
        echo "  name: $2-rendered"
        echo "data:"
        echo "  chart: \\"$3\\""
        echo "  replicaCount: \\"$(sed -n 's/^replicaCount: //p' values.yaml)\\""

        """

    func startPlatform() async throws -> Platform {
        let kubectl = try #require(Support.kubectl, "kubectl is not installed")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-authoring-e2e-\(UUID().uuidString)")
        let dataDir = scratch.appendingPathComponent("dev")
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        // The Pulumi schema "baked into the stage image": a pod's /tmp is its own, and the image
        // map's `path` directories are what it sees of this machine.
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("stage"), withIntermediateDirectories: true)
        try Self.stubHelm.write(to: bin.appendingPathComponent("helm"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("helm").path)
        // The stages as `kratix dev`'s own map names them, with the helm stand-in on PATH.
        try """
            images:
              - image: ghcr.io/syntasso/kratix-cli/helm-resource-configure
                command: ["kratix", "helm-resource-configure"]
                path: \(bin.path)
              - image: ghcr.io/syntasso/kratix-cli/pulumi-generator
                path: \(scratch.appendingPathComponent("stage").path)
                commands:
                  /pulumi-program-generator: ["kratix", "pulumi-generator", "program"]
                  /pulumi-stack-generator: ["kratix", "pulumi-generator", "stack"]

            """.write(to: dataDir.appendingPathComponent("images.yaml"), atomically: true, encoding: .utf8)
        let server = try TestServerProcess(Support.kratixBinary.path, ["dev", "--data-dir", dataDir.path, "--port", "0"],
                                           log: scratch.appendingPathComponent("dev.log").path)
        let platform = Platform(scratch: scratch, dataDir: dataDir, server: server, kubectl: kubectl)
        do {
            try await server.waitUntil(timeout: .seconds(120)) { server.log.contains("is running") }
        } catch {
            await platform.stop()
            throw error
        }
        return platform
    }

    /// Runs `body` against a fresh platform and stops it afterwards, whatever happened.
    func withPlatform(_ body: (Platform) async throws -> Void) async throws {
        let platform = try await startPlatform()
        do {
            try await body(platform)
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }

    func kratix(_ arguments: [String]) async throws -> TestShell.Output {
        let result = try await TestShell.run(Support.kratixBinary.path, arguments)
        #expect(result.status == 0, "kratix \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    @Test func helmPromiseFromALocalChartRunsItsPipeline() async throws {
        try await withPlatform { platform in try await helmScenario(platform) }
    }

    func helmScenario(_ platform: Platform) async throws {
        let chart = platform.scratch.appendingPathComponent("chart")
        try FileManager.default.createDirectory(at: chart.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try "apiVersion: v2\nname: demo\nversion: 0.1.0\n".write(to: chart.appendingPathComponent("Chart.yaml"), atomically: true, encoding: .utf8)
        try "replicaCount: 1\nimage:\n  repository: nginx\n".write(to: chart.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
        let promiseDir = platform.scratch.appendingPathComponent("helm-promise").path
        let output = try await kratix(["init", "helm-promise", "demo", "--chart-url", chart.path, "--group", "example.io", "--kind", "Demo",
                                       "--dir", promiseDir])
        #expect(output.stdout.contains("Preview: This command is in preview"))
        #expect(output.stdout.hasSuffix("demo promise bootstrapped in \(promiseDir)\n"))

        try await platform.apply("\(promiseDir)/promise.yaml")
        // The example resource, with a value the stage hands to helm.
        var example = try String(contentsOfFile: "\(promiseDir)/example-resource.yaml", encoding: .utf8)
        #expect(example.contains("name: example-demo"))
        example += "spec:\n  replicaCount: 3\n"
        try example.write(toFile: "\(promiseDir)/request.yaml", atomically: true, encoding: .utf8)
        try await platform.apply("\(promiseDir)/request.yaml")
        let files = try await platform.stateStoreFiles(containing: "example-demo-rendered")
        let rendered = try #require(files.values.first)
        #expect(rendered.contains("kind: ConfigMap"))
        #expect(rendered.contains("chart: \"\(chart.path)\""))
        #expect(rendered.contains("replicaCount: \"3\""))
    }

    @Test func pulumiComponentPromiseRunsItsPipeline() async throws {
        try await withPlatform { platform in try await pulumiScenario(platform) }
    }

    func pulumiScenario(_ platform: Platform) async throws {
        // A component whose required input is a string, so the generated example is a valid request
        // as it stands (the reference schema's required `network` object needs editing first).
        let schema = platform.scratch.appendingPathComponent("stage/schema.json")
        try """
            {"config": {"variables": {"pkg:index:region": {"type": "string", "default": "eu-west-1"}}},
             "resources": {"pkg:index:Bucket": {"isComponent": true, "requiredInputs": ["name"],
               "inputProperties": {"name": {"type": "string"}, "versioned": {"type": "boolean"}}}}}
            """.write(to: schema, atomically: true, encoding: .utf8)
        let promiseDir = platform.scratch.appendingPathComponent("pulumi-promise").path
        let output = try await kratix(["init", "pulumi-component-promise", "bucket", "--schema", schema.path, "--group", "example.io",
                                       "--kind", "Bucket", "--dir", promiseDir])
        #expect(output.stdout.contains("warning: local Pulumi schema source"))
        #expect(output.stdout.hasSuffix("Pulumi component Promise generated successfully.\n"))

        // The Promise schedules to Destinations labelled environment: pulumi.
        let destination = platform.scratch.appendingPathComponent("destination.yaml").path
        try """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata:
              name: pulumi
              labels:
                environment: pulumi
            spec:
              path: pulumi
              stateStoreRef:
                kind: GitStateStore
                name: default

            """.write(toFile: destination, atomically: true, encoding: .utf8)
        try await platform.apply(destination)
        try await platform.apply("\(promiseDir)/promise.yaml")
        try await platform.apply("\(promiseDir)/example-resource.yaml")
        let programs = try await platform.stateStoreFiles(containing: "kind: Program")
        let (path, program) = try #require(programs.first)
        #expect(path.hasPrefix("pulumi/"))
        #expect(program.contains("type: pkg:index:Bucket"))
        #expect(program.contains("name: '# type string'"))
        #expect(program.contains("pkg:index:region:"))
        let stacks = try await platform.stateStoreFiles(containing: "kind: Stack")
        #expect(stacks.values.first?.contains("programRef:") == true)
    }
}
