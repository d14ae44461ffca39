import ChildProcesses
import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixTerraform

/// Generated Promises against the shared `expected-output*` fixtures, compared as parsed YAML.
@Suite struct PromiseGeneratorTests {
    /// The cloud-foundation-fabric api-gateway module behind `expected-output-vpc`.
    static let apiGatewayVariables = """
        variable "api_id" {
          description = "API identifier."
          type        = string
        }

        variable "iam" {
          description = "IAM bindings for the API in {ROLE => [MEMBERS]} format."
          type        = map(list(string))
          default     = null
        }

        variable "labels" {
          description = "Map of labels."
          type        = map(string)
          default     = null
        }

        variable "project_id" {
          description = "Project identifier."
          type        = string
        }

        variable "region" {
          description = "Region."
          type        = string
        }

        variable "service_account_create" {
          description = "Flag indicating whether a service account needs to be created."
          type        = bool
          default     = false
        }

        variable "service_account_email" {
          description = "Service account for creating API configs."
          type        = string
          default     = null
        }

        variable "spec" {
          description = "String with the contents of the OpenAPI spec."
          type        = string
        }
        """

    func generate(
        _ request: TFModulePromiseInit.Request, variables: String, files extra: [String: String] = [:]
    ) throws -> [String: String] {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("variables.tf", variables)
        for (name, text) in extra { try dir.write(name, text) }
        let result = try TFModulePromiseInit.generate(request, moduleDirectory: dir.url)
        #expect(result.warnings.isEmpty)
        return Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, $0.contents) })
    }

    @Test func apiGatewayPromiseMatchesExpectedOutputVPC() throws {
        let source = "git::https://github.com/GoogleCloudPlatform/cloud-foundation-fabric.git//modules/api-gateway?ref=v49.1.0"
        let files = try generate(
            .init(name: "vpc", moduleSource: source, group: "syntasso.io", kind: "VPC"),
            variables: Self.apiGatewayVariables, files: ["versions.tf": "terraform {}\n"])
        let promise = try YAMLReader.singleDocument(in: try #require(files["promise.yaml"]))
        #expect(differences(promise, try Fixtures.yaml("expected-output-vpc/promise.yaml")) == [])
        let example = try YAMLReader.singleDocument(in: try #require(files["example-resource.yaml"]))
        #expect(example == (try Fixtures.yaml("expected-output-vpc/example-resource.yaml")))
        #expect(files["workflows/promise/configure/dependencies/add-tf-dependencies/resources/versions.tf"] == "terraform {}\n")
        #expect(files["README.md"]?.contains("kratix init tf-module-promise vpc --module-source \(source) --group syntasso.io --kind VPC") == true)
    }

    @Test func cloudRunPromiseMatchesExpectedOutputApartFromTheSchema() throws {
        // The module's 30 variables are not in the fixtures; everything around the schema is checked,
        // including the jobOptions/rbac quirk of two provider files.
        let files = try generate(
            .init(
                name: "googlecloudrun", moduleSource: "git::https://github.com/syntasso/terraform-google-cloud-run?ref=v0.16.4",
                group: "gcp.com", kind: "GoogleCloudRun", version: "v2"),
            variables: "", files: ["versions.tf": "terraform {}\n", "providers.tf": "provider \"google\" {}\n"])
        var promise = try YAMLReader.singleDocument(in: try #require(files["promise.yaml"]))
        let expected = try Fixtures.yaml("expected-output/promise.yaml")
        let schemaPath = ["spec", "api", "spec", "versions"]
        var versions = try #require(promise[path: schemaPath]?.arrayValue)
        let expectedVersions = try #require(expected[path: schemaPath]?.arrayValue)
        versions[0]["schema"] = expectedVersions[0]["schema"]
        promise[path: schemaPath] = .array(versions)
        #expect(differences(promise, expected) == [])
        let example = try YAMLReader.singleDocument(in: try #require(files["example-resource.yaml"]))
        #expect(example == (try Fixtures.yaml("expected-output/example-resource.yaml")))
    }

    @Test func splitWritesAPIAndWorkflowFiles() throws {
        let files = try generate(
            .init(name: "vpc", moduleSource: "ns/vpc/aws", moduleRegistryVersion: "5.7.0", group: "syntasso.io", kind: "VPC",
                  plural: "vpcz", split: true),
            variables: Self.apiGatewayVariables)
        #expect(files["promise.yaml"] == nil)
        #expect(files["dependencies.yaml"] == "")
        let api = try YAMLReader.singleDocument(in: try #require(files["api.yaml"]))
        #expect(api[path: ["metadata", "name"]] == "vpcz.syntasso.io")
        let expectedPromise = try Fixtures.yaml("expected-output-vpc/promise.yaml")
        let expectedSchema = try #require(expectedPromise[path: ["spec", "api", "spec", "versions"]]?.arrayValue?.first?["schema"])
        #expect(api[path: ["spec", "versions"]]?.arrayValue?.first?["schema"] == expectedSchema)
        let resource = try YAMLReader.singleDocument(in: try #require(files["workflows/resource/configure/workflow.yaml"]))
        let env = try #require(resource.arrayValue?.first?[path: ["spec", "containers"]]?.arrayValue?.first?["env"])
        #expect(env == [["name": "MODULE_SOURCE", "value": "ns/vpc/aws"], ["name": "MODULE_REGISTRY_VERSION", "value": "5.7.0"]])
        let promiseWorkflow = try YAMLReader.singleDocument(in: try #require(files["workflows/promise/configure/workflow.yaml"]))
        #expect(promiseWorkflow.arrayValue?.first?[path: ["metadata", "name"]] == "dependencies")
    }

    @Test func generateOutputsAddsOutputNamesInFileOrder() throws {
        let outputs = """
            output "vpc_id" {
              value = aws_vpc.this[0].id
            }
            # a comment
            output "arn" { value = "x" }
            """
        let request = TFModulePromiseInit.Request(
            name: "n", moduleSource: "./m", group: "g.io", kind: "K", generateOutputs: true, moduleProviders: [])
        let files = try generate(request, variables: "", files: ["outputs.tf": outputs])
        let promise = try YAMLReader.singleDocument(in: try #require(files["promise.yaml"]))
        let env = promise[path: ["spec", "workflows", "resource", "configure"]]?.arrayValue?.first?[path: ["spec", "containers"]]?
            .arrayValue?.first?["env"]
        #expect(env == [["name": "MODULE_SOURCE", "value": "./m"], ["name": "MODULE_OUTPUT_NAMES", "value": "vpc_id,arn"]])
    }

    @Test func missingProviderFileOrVariablesFileIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let request = TFModulePromiseInit.Request(name: "n", moduleSource: "./m", group: "g", kind: "K", moduleProviders: ["nope.tf"])
        #expect(throws: TerraformError.self) { try TFModulePromiseInit.generate(request, moduleDirectory: dir.url) }
        try dir.write("variables.tf", "")
        #expect(throws: TerraformError.self) { try TFModulePromiseInit.generate(request, moduleDirectory: dir.url) }
    }

    @Test func generatedCRDSchemasAreStructural() throws {
        var notes: [String] = []
        let variables = try TerraformModuleReader.variables(
            source: Fixtures.read("modules/terraform-aws-vpc-v5.7.0/variables.tf"), file: "variables.tf", notes: &notes)
        for schema in [VariableSchemaConverter.specSchema(for: variables), TypedSchemaConverter.specSchema(for: variables)] {
            let crd = PromiseGenerator.customResourceDefinition(group: "g.io", kind: "K", plural: "ks", version: "v1", schema: schema)
            let root = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
            #expect(StructuralSchema.problems(in: root) == [])
        }
    }
}

/// Git sources go through `terraform init -backend=false`; a local bare repository keeps it offline.
@Suite  // Terraform 1.0.3 from `make test` (TestEnvironment.terraform); a machine without it fails here rather than skipping
struct ModuleFetcherTests {
    func git(_ arguments: [String], in dir: URL) async throws {
        let git = try #require(ChildProcess.which("git"))
        let output = try await ChildProcess.run(
            git, ["-C", dir.path, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"] + arguments,
            environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
        #expect(output.exitCode == 0, "git \(arguments): \(output.stderrText)")
    }

    @Test func gitSourceIsDownloadedThroughTerraformInit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("repo/modules/basic/variables.tf", Fixtures.read("modules/local/basic/variables.tf"))
        try dir.write("repo/modules/basic/outputs.tf", "output \"name\" {\n  value = var.name\n}\n")
        let repo = dir.url.appendingPathComponent("repo")
        try await git(["init", "-q"], in: repo)
        try await git(["add", "."], in: repo)
        try await git(["commit", "-q", "-m", "module"], in: repo)
        try await git(["tag", "v1.0.0"], in: repo)
        let cli = try TerraformCLI(executable: try #require(TestEnvironment.terraform, "\(TestEnvironment.terraformMissing)")).with(home: dir.url.appendingPathComponent("home"))
        let fetcher = ModuleFetcher(terraform: cli, scratchRoot: dir.url.appendingPathComponent("scratch"))
        let source = "git::file://\(repo.path)//modules/basic?ref=v1.0.0"
        let result = try await TFModulePromiseInit.run(
            .init(name: "example", moduleSource: source, group: "example.com", kind: "Example", generateOutputs: true), fetcher: fetcher)
        let promise = try YAMLReader.singleDocument(in: try #require(result.files.first { $0.path == "promise.yaml" }?.contents))
        let crd = try Fixtures.yaml("api/local.yaml")
        #expect(differences(try #require(promise[path: ["spec", "api"]]), crd) == [])
        // The scratch directory is gone once the module has been read.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("scratch").path)
        #expect(leftovers.isEmpty)
    }

    /// Terraform 1.15+ stops `init` when a module has required variables without values, after it
    /// has downloaded the module. This wraps the real Terraform 1.0.3 to behave so: the first init
    /// fails unless `main.tf` passes `name`; the fetcher retries once with placeholders.
    static let newerTerraform = """
        #!/bin/sh
        echo "$*" >> "$INIT_LOG"
        "$REAL_TERRAFORM" "$@"; status=$?
        dir=$(echo "$1" | sed 's/^-chdir=//')
        if [ "$2" = "init" ] && ! grep -q '^  name = ""$' "$dir/main.tf"; then
          echo 'Error: Missing required argument: The argument "name" is required, but no definition was found.'
          exit 1
        fi
        exit $status

        """

    /// A Git repository in `dir` holding one module (`variables`), and a fetcher whose terraform is
    /// `newerTerraform` in front of the real one, logging each run to `log`.
    private func newerTerraformFetcher(in dir: TemporaryDirectory, variables: String) async throws -> (repo: URL, fetcher: ModuleFetcher, log: String) {
        try dir.write("repo/variables.tf", variables)
        let repo = dir.url.appendingPathComponent("repo")
        try await git(["init", "-q"], in: repo)
        try await git(["add", "."], in: repo)
        try await git(["commit", "-q", "-m", "module"], in: repo)
        try dir.write("bin/terraform", Self.newerTerraform)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.url.appendingPathComponent("bin/terraform").path)
        let real = try #require(TestEnvironment.terraform, "\(TestEnvironment.terraformMissing)")
        let log = dir.url.appendingPathComponent("init.log").path
        let cli = try TerraformCLI(executable: dir.url.appendingPathComponent("bin/terraform").path,
                                   environment: ["REAL_TERRAFORM": real, "INIT_LOG": log]).with(home: dir.url.appendingPathComponent("home"))
        return (repo, ModuleFetcher(terraform: cli, scratchRoot: dir.url.appendingPathComponent("scratch")), log)
    }

    @Test func initThatStopsOnRequiredVariablesIsRetriedWithPlaceholders() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (repo, fetcher, log) = try await newerTerraformFetcher(in: dir, variables: Fixtures.read("modules/local/basic/variables.tf"))
        let result = try await TFModulePromiseInit.run(
            .init(name: "example", moduleSource: "git::file://\(repo.path)", group: "example.com", kind: "Example"), fetcher: fetcher)
        let promise = try YAMLReader.singleDocument(in: try #require(result.files.first { $0.path == "promise.yaml" }?.contents))
        #expect(differences(try #require(promise[path: ["spec", "api"]]), try Fixtures.yaml("api/local.yaml")) == [])
        let runs = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(" init ") }
        #expect(runs.count == 2)
    }

    @Test func placeholderRetryNeedsRequiredVariables() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Every variable has a default: nothing to pass, so the first failure stands, with its output.
        let (repo, fetcher, _) = try await newerTerraformFetcher(in: dir, variables: "variable \"size\" {\n  type    = number\n  default = 1\n}\n")
        do {
            _ = try await fetcher.fetch(source: ModuleSource("git::file://\(repo.path)"), registryVersion: nil)
            Issue.record("expected the init failure")
        } catch {
            #expect(error.message.contains("terraform init -backend=false failed"))
            #expect(error.message.contains("Missing required argument"))
        }
    }

    @Test func placeholdersFollowTheTypeText() {
        #expect(ModuleFetcher.placeholder(forTypeText: "number") == "0")
        #expect(ModuleFetcher.placeholder(forTypeText: "bool") == "false")
        #expect(ModuleFetcher.placeholder(forTypeText: "list(string)") == "[]")
        #expect(ModuleFetcher.placeholder(forTypeText: "set(number)") == "[]")
        #expect(ModuleFetcher.placeholder(forTypeText: "map(any)") == "{}")
        #expect(ModuleFetcher.placeholder(forTypeText: "object({ a = string })") == "{}")
        #expect(ModuleFetcher.placeholder(forTypeText: "string") == "\"\"")
        #expect(ModuleFetcher.placeholder(forTypeText: "") == "\"\"")
    }

    @Test func registryVersionOnNonRegistrySourceFailsFirst() async {
        let fetcher = ModuleFetcher(terraform: nil)
        await #expect(throws: TerraformError.self) {
            try await fetcher.fetch(source: ModuleSource("git::https://example.com/x.git"), registryVersion: "1.0.0")
        }
        do {
            _ = try await fetcher.fetch(source: ModuleSource("ns/name/aws"), registryVersion: "1.0.0")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("terraform CLI is not on PATH"))
        }
    }
}
