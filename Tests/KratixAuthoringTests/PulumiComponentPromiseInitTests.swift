import Foundation
import KubeModel
import Testing

@testable import KratixAuthoring

/// `init pulumi-component-promise` against upstream's reference output for `schema.valid.json`.
@Suite struct PulumiComponentPromiseInitTests {
    static let assets = CLITestData.url("test/assets/pulumi")

    func generate(_ request: PulumiComponentPromiseInit.Request) async throws -> [String: String] {
        let result = try await PulumiComponentPromiseInit.run(request, environment: [:], workingDirectory: Self.assets)
        return Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, $0.contents) })
    }

    @Test func reproducesExpectedOutputByteForByte() async throws {
        let files = try await generate(.init(name: "mypromise", schema: "./schema.valid.json", group: "syntasso.io", kind: "Database"))
        #expect(Set(files.keys) == ["promise.yaml", "example-resource.yaml", "README.md"])
        for name in ["promise.yaml", "example-resource.yaml", "README.md"] {
            let expected = try CLITestData.read("test/assets/pulumi/expected-output/\(name)")
            #expect(files[name] == expected, "\(name) differs")
        }
    }

    @Test func reproducesExpectedOutputWithSplitByteForByte() async throws {
        let files = try await generate(.init(name: "mypromise", schema: "./schema.valid.json", group: "syntasso.io", kind: "Database", split: true))
        let names = ["api.yaml", "dependencies.yaml", "example-resource.yaml", "README.md", "workflows/resource/configure/workflow.yaml"]
        #expect(Set(files.keys) == Set(names))
        for name in names {
            let expected = try CLITestData.read("test/assets/pulumi/expected-output-with-split/\(name)")
            #expect(files[name] == expected, "\(name) differs")
        }
    }

    @Test func localSchemaWarnsAndSecretsAddEnv() async throws {
        let result = try await PulumiComponentPromiseInit.run(
            .init(name: "p", schema: "./schema.valid.json", schemaBearerTokenSecret: "schema-auth:token",
                  stackAccessTokenSecret: "stack-auth:pat", group: "g.io", kind: "Db", version: "v1", plural: "dbz"),
            environment: [:], workingDirectory: Self.assets)
        #expect(result.warnings.count == 3)
        #expect(result.warnings.first?.hasPrefix("warning: local Pulumi schema source \"./schema.valid.json\" detected.") == true)
        let promise = try YAMLReader.singleDocument(in: try #require(result.files.first { $0.path == "promise.yaml" }?.contents))
        let containers = try #require(promise[path: ["spec", "workflows", "resource", "configure"]]?.arrayValue?.first?[path: ["spec", "containers"]]?.arrayValue)
        #expect(containers[0]["env"]?.arrayValue?.last == [
            "name": "PULUMI_ACCESS_TOKEN", "valueFrom": ["secretKeyRef": ["key": "token", "name": "schema-auth"]],
        ])
        #expect(containers[1]["env"] == [
            ["name": "PULUMI_COMPONENT_TOKEN", "value": "pkg:index:Database"],
            ["name": "PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME", "value": "stack-auth"],
            ["name": "PULUMI_STACK_ACCESS_TOKEN_SECRET_KEY", "value": "pat"],
        ])
        #expect(promise[path: ["spec", "api", "metadata", "name"]] == "dbz.g.io")
        let readme = try #require(result.files.first { $0.path == "README.md" }?.contents)
        #expect(readme.contains(
            "kratix init pulumi-component-promise p --schema './schema.valid.json' --schema-bearer-token-secret 'schema-auth:token' --stack-access-token-secret 'stack-auth:pat' --version 'v1' --plural 'dbz' --group g.io --kind Db"))
    }

    @Test func flagAndSchemaErrorsAreUpstreamsMessages() async throws {
        func failure(_ request: PulumiComponentPromiseInit.Request, environment: [String: String] = [:]) async -> String? {
            do {
                _ = try await PulumiComponentPromiseInit.run(request, environment: environment, workingDirectory: Self.assets)
                return nil
            } catch {
                return error.description
            }
        }
        let base = PulumiComponentPromiseInit.Request(name: "p", schema: "./schema.valid.json", group: "g", kind: "K")
        var request = base
        request.schemaBearerTokenSecret = "nokey"
        #expect(await failure(request) == "parse --schema-bearer-token-secret: expected SECRET_NAME:KEY")
        request.schemaBearerTokenSecret = "Bad_Name:key"
        #expect(await failure(request)?.hasPrefix("parse --schema-bearer-token-secret: secret name \"Bad_Name\" is not a valid Kubernetes Secret name.") == true)
        request = base
        request.schema = "http://schemas.example.com/schema.json"
        request.schemaBearerTokenSecret = "auth:token"
        #expect(await failure(request) ==
            "load schema: refusing to send credentials to insecure HTTP schema URL http://schemas.example.com/schema.json; use HTTPS or remove schema authentication")
        request = base
        request.component = "pkg:index:Nope"
        #expect(await failure(request) == "select component: component \"pkg:index:Nope\" not found; available components: pkg:index:Database")
        // A URL schema through upstream's test hook: two components need --component.
        let two = #"{"resources": {"a:index:A": {"isComponent": true, "inputProperties": {"x": {"type": "string"}}}, "b:index:B": {"isComponent": true}}}"#
        request = base
        request.schema = "https://example.com/schema.json"
        let environment = ["KRATIX_TEST_SCHEMA_URL": request.schema, "KRATIX_TEST_SCHEMA_URL_BODY": two]
        #expect(await failure(request, environment: environment) == "select component: multiple components found; provide --component from: a:index:A, b:index:B")
        request.component = "b:index:B"
        #expect(await failure(request, environment: environment)
            == "translate component inputs: no translatable spec fields remain after skipping unsupported schema paths for component \"b:index:B\"")
        request.component = nil
        #expect(await failure(request, environment: ["KRATIX_TEST_SCHEMA_URL": request.schema, "KRATIX_TEST_SCHEMA_URL_BODY": "{}"])
            == "select component: no component resources found in schema")
    }

    @Test func translationInlinesRefsSkipsUnsupportedAndKeepsAnnotations() throws {
        let text = """
            {"resources": {"pkg:index:C": {"isComponent": true, "requiredInputs": ["net", "gone", "net"],
              "inputProperties": {
                "net": {"$ref": "#/types/pkg:index:Net", "description": "the network"},
                "gone": {"oneOf": [{"type": "string"}]},
                "ext": {"$ref": "/aws/v6.0.0/schema.json#/types/aws:ec2:Tag"},
                "tier": {"type": "string", "enum": [{"value": "small"}, {"value": "large"}], "default": "small"},
                "list": {"type": "array"}
              }}},
             "types": {"pkg:index:Net": {"type": "object", "properties": {"cidr": {"type": "string"}, "bad": {"type": "null"}}, "required": ["cidr", "bad"]}}}
            """
        let schema = try PulumiSchema(parsing: text, source: "s.json")
        let component = try PulumiComponent.select(in: schema, requested: nil)
        let (spec, warnings) = try PulumiSchemaTranslator.specSchema(schema: schema, component: component)
        #expect(spec == [
            "type": "object",
            "properties": [
                "ext": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "net": ["type": "object", "properties": ["cidr": ["type": "string"]], "required": ["cidr"], "description": "the network"],
                "tier": ["type": "string", "default": "small", "enum": ["small", "large"]],
            ],
            "required": ["net"],
        ])
        #expect(warnings == [
            "warning: skipped unsupported schema path \"spec.gone\" for component \"pkg:index:C\": keyword \"oneOf\"",
            "warning: skipped unsupported schema path \"spec.list\" for component \"pkg:index:C\": array type missing items schema",
            "warning: skipped unsupported schema path \"spec.net.bad\" for component \"pkg:index:C\": type \"null\"",
        ])
    }

    @Test func cyclicRefsAreAHardError() throws {
        let text = ##"{"resources": {"p:i:C": {"isComponent": true, "inputProperties": {"a": {"$ref": "#/types/p:i:T"}}}}, "types": {"p:i:T": {"type": "object", "properties": {"self": {"$ref": "#/types/p:i:T"}}}}}"##
        let schema = try PulumiSchema(parsing: text, source: "s.json")
        let component = try PulumiComponent.select(in: schema, requested: "p:i:C")
        #expect(throws: AuthoringError("component \"p:i:C\" path \"spec.a.self\" unsupported construct: cyclic local ref \"#/types/p:i:T\"")) {
            _ = try PulumiSchemaTranslator.specSchema(schema: schema, component: component)
        }
    }
}

@Suite struct PulumiYAMLTests {
    @Test func longPlainScalarsFoldAtColumn80AsGoYAMLDoes() {
        let description = "Leave blank to use the ENTRYPOINT command defined in the container image, include these only if needed"
        let text = PulumiYAML(indentSequences: true).marshal(["spec": ["properties": ["command": ["description": .string(description)]]]])
        #expect(text == """
            spec:
              properties:
                command:
                  description: Leave blank to use the ENTRYPOINT command defined in the container
                    image, include these only if needed

            """)
        #expect(PulumiYAML(indentSequences: false).marshal(["a": ["x", "y"], "b": ["c": "{d, e}"]]) == "a:\n- x\n- \"y\"\nb:\n  c: '{d, e}'\n")
    }
}
