import Foundation
import KubeModel
import Synchronization
import Testing

@testable import KratixAuthoring

/// The pulumi-generator stage with the inputs of upstream's `stages/pulumi-promise/test`.
@Suite struct PulumiGeneratorStageTests {
    static let assets = CLITestData.url("stages/pulumi-promise/test/assets")

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var text: String { lines.withLock { $0.joined() } }
        var log: StageLog { StageLog { line in self.lines.withLock { $0.append(line) } } }
    }

    func environment(_ output: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "KRATIX_INPUT_FILE": Self.assets.appendingPathComponent("test-object.yaml").path,
            "KRATIX_OUTPUT_FILE": output,
            "PULUMI_COMPONENT_TOKEN": "pkg:index:Database",
            "PULUMI_SCHEMA_SOURCE": Self.assets.appendingPathComponent("test-schema.json").path,
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    @Test func programCarriesSpecConfigurationAndMetadata() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let output = dir.url.appendingPathComponent("output.yaml").path
        let lines = Lines()
        try await PulumiGeneratorStage.program(environment: environment(output), log: lines.log)
        #expect(lines.text.contains("starting transformation"))
        #expect(lines.text.contains("wrote Program"))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let program = try YAMLReader.singleDocument(in: text)
        #expect(program["apiVersion"] == "pulumi.com/v1")
        #expect(program["kind"] == "Program")
        let name = try #require(program[path: ["metadata", "name"]]?.stringValue)
        #expect(name.wholeMatch(of: /test-object-[0-9a-f]{8}/) != nil)
        #expect(program[path: ["metadata", "namespace"]] == "non-default")
        #expect(program[path: ["metadata", "labels", "app.kubernetes.io/name"]] == "test-object")
        #expect(program[path: ["metadata", "annotations", "image-registry"]] == "ghcr.io")
        #expect(program[path: ["program", "configuration"]] == [
            "pkg:index:featureFlag": ["default": true, "type": "boolean"],
            "pkg:index:region": ["default": "eu-west-1", "type": "string"],
            "pkg:index:sensitiveValue": ["secret": true, "type": "string"],
            "pkg:index:typeOnly": ["type": "integer"],
        ])
        #expect(program[path: ["program", "resources", "pkg-index-database", "type"]] == "pkg:index:Database")
        #expect(program[path: ["program", "resources", "pkg-index-database", "properties"]] == [
            "field": "value", "nested": ["field": "value"], "number": 7, "arr": [["field": "value"]],
        ])
        #expect(text.contains("number: 7"))
    }

    @Test func programFailuresNameTheCause() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let output = dir.url.appendingPathComponent("output.yaml").path
        func failure(_ env: [String: String]) async -> String? {
            do {
                try await PulumiGeneratorStage.program(environment: env, log: Lines().log)
                return nil
            } catch {
                return error.description
            }
        }
        var env = environment(output, ["KRATIX_INPUT_FILE": Self.assets.appendingPathComponent("test-object-no-spec.yaml").path])
        #expect(await failure(env) == "missing required field: spec")
        env["KRATIX_INPUT_FILE"] = Self.assets.appendingPathComponent("test-object-bad-spec.yaml").path
        #expect(await failure(env) == "invalid field: spec must be an object")
        env = environment(output)
        env["KRATIX_INPUT_FILE"] = nil
        #expect(await failure(env)?.hasPrefix("failed to read object file from /kratix/input/object.yaml") == true)
        env = environment(output)
        env["PULUMI_COMPONENT_TOKEN"] = nil
        #expect(await failure(env) == "expected PULUMI_COMPONENT_TOKEN to be set")
        env = environment(output)
        env["PULUMI_SCHEMA_SOURCE"] = nil
        #expect(await failure(env) == "expected PULUMI_SCHEMA_SOURCE to be set")
        env = environment(output, ["PULUMI_SCHEMA_SOURCE": Self.assets.appendingPathComponent("test-schema-bad.json").path])
        #expect(await failure(env)?.hasPrefix("load schema for Program configuration: load schema: parse input schema") == true)
    }

    @Test func stackReferencesTheProgramAndOptionalSecret() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let output = dir.url.appendingPathComponent("output.yaml").path
        let lines = Lines()
        try PulumiGeneratorStage.stack(environment: environment(output), log: lines.log)
        #expect(lines.text.contains("wrote Stack"))
        var stack = try YAMLReader.singleDocument(in: String(contentsOfFile: output, encoding: .utf8))
        #expect(stack["kind"] == "Stack")
        let name = try #require(stack[path: ["metadata", "name"]]?.stringValue)
        #expect(name.wholeMatch(of: /test-object-[0-9a-f]{8}-stack/) != nil)
        #expect(stack[path: ["spec", "stack"]]?.stringValue == name)
        #expect(stack[path: ["spec", "programRef", "name"]]?.stringValue.map { name == $0 + "-stack" } == true)
        #expect(stack[path: ["spec", "envRefs"]] == nil)
        #expect(stack[path: ["metadata", "annotations", "image-registry"]] == "ghcr.io")

        try PulumiGeneratorStage.stack(environment: environment(output, [
            "PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME": "pulumi-api-secret", "PULUMI_STACK_ACCESS_TOKEN_SECRET_KEY": "accessToken",
        ]), log: lines.log)
        stack = try YAMLReader.singleDocument(in: String(contentsOfFile: output, encoding: .utf8))
        #expect(stack[path: ["spec", "envRefs", "PULUMI_ACCESS_TOKEN"]] == [
            "type": "Secret", "secret": ["name": "pulumi-api-secret", "key": "accessToken"],
        ])
        #expect(throws: AuthoringError.self) {
            try PulumiGeneratorStage.stack(environment: environment(output, ["PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME": "x"]), log: lines.log)
        }
        var env = environment(output)
        env["PULUMI_COMPONENT_TOKEN"] = nil
        #expect(throws: AuthoringError("missing required environment variable PULUMI_COMPONENT_TOKEN")) {
            try PulumiGeneratorStage.stack(environment: env, log: lines.log)
        }
    }

    @Test func namesFollowUpstreamsContract() {
        // fnv-1a 32 of "a", as Go's hash/fnv computes it.
        #expect(PulumiGeneratorStage.fnv32a("a") == "e40c292c")
        #expect(PulumiGeneratorStage.programResourceName("pkg:index:Database") == "pkg-index-database")
        #expect(PulumiGeneratorStage.sanitize("__Hello__World!!") == "hello-world")
        let long = PulumiGeneratorStage.programName(name: String(repeating: "x", count: 80), namespace: "ns", kind: "K", token: "t")
        #expect(long.count == 63)
    }
}
