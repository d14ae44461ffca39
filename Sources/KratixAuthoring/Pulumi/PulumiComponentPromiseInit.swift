import Foundation
import KratixTerraform
import KubeModel

/// `kratix init pulumi-component-promise`: a Promise whose API is a Pulumi component's inputs and
/// whose resource workflow emits a Pulumi Kubernetes Operator `Program` and `Stack` per request.
public enum PulumiComponentPromiseInit {
    public static let generatorImage = "ghcr.io/syntasso/kratix-cli/pulumi-generator:v0.1.3"
    public static let programCommand = "/pulumi-program-generator"
    public static let stackCommand = "/pulumi-stack-generator"

    public struct Request: Sendable, Equatable {
        public var name: String
        public var schema: String
        public var component: String?
        public var schemaBearerTokenSecret: String?
        public var stackAccessTokenSecret: String?
        public var group: String
        public var kind: String
        /// As given: nil means the flag was not passed (the README replays only given flags).
        public var version: String?
        public var plural: String?
        public var split: Bool

        public init(
            name: String, schema: String, component: String? = nil, schemaBearerTokenSecret: String? = nil,
            stackAccessTokenSecret: String? = nil, group: String, kind: String, version: String? = nil, plural: String? = nil,
            split: Bool = false
        ) {
            self.name = name
            self.schema = schema
            self.component = component
            self.schemaBearerTokenSecret = schemaBearerTokenSecret
            self.stackAccessTokenSecret = stackAccessTokenSecret
            self.group = group
            self.kind = kind
            self.version = version
            self.plural = plural
            self.split = split
        }
    }

    public struct Result: Sendable, Equatable {
        /// Lines for stdout before the files are written (local-schema and skipped-path warnings).
        public var warnings: [String]
        public var files: [GeneratedFile]
    }

    /// `NAME:KEY` of the two secret flags.
    struct SecretKeyRef: Equatable {
        var name: String
        var key: String

        static func parse(_ value: String?, flag: String) throws(AuthoringError) -> SecretKeyRef? {
            guard let value, !value.isEmpty else { return nil }
            guard let colon = value.firstIndex(of: ":") else { throw AuthoringError("parse --\(flag): expected SECRET_NAME:KEY") }
            let name = value[..<colon].trimmingCharacters(in: .whitespaces)
            let key = value[value.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !key.isEmpty else { throw AuthoringError("parse --\(flag): expected SECRET_NAME:KEY") }
            guard isDNS1123Subdomain(name) else {
                throw AuthoringError(
                    "parse --\(flag): secret name \(goQuote(name)) is not a valid Kubernetes Secret name. SECRET_NAME must be a valid Kubernetes Secret name (DNS-1123 subdomain, for example pulumi-schema-auth).")
            }
            return SecretKeyRef(name: name, key: key)
        }
    }

    static func isDNS1123Subdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            let ok = label.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            return ok && first != "-" && last != "-"
        }
    }

    /// The three warning lines for a schema read from this machine.
    static func localSchemaWarnings(_ source: String) -> [String] {
        [
            "warning: local Pulumi schema source \(goQuote(source)) detected. The generated resource workflow runs in Kubernetes and cannot read files from your machine.",
            "warning: prefer publishing your Pulumi component/schema for remote HTTP(S) access and pass that URL with --schema.",
            "warning: for local iteration before publishing, make the schema reachable from the cluster (for example: bake it into the stage image, mount it via ConfigMap/volume, or host it in object storage).",
        ]
    }

    /// `workingDirectory` is where a relative local `--schema` is read from (default: the
    /// process's); the path is recorded in the Promise as given.
    public static func run(
        _ request: Request, environment: [String: String] = ProcessInfo.processInfo.environment, workingDirectory: URL? = nil
    ) async throws(AuthoringError) -> Result {
        var warnings = PulumiSchema.isLocal(request.schema) ? localSchemaWarnings(request.schema) : []
        let bearer = try SecretKeyRef.parse(request.schemaBearerTokenSecret, flag: "schema-bearer-token-secret")
        try PulumiSchema.validateAuth(source: request.schema, hasCredentials: bearer != nil)
        let schema = try await PulumiSchema.load(request.schema, environment: environment, relativeTo: workingDirectory)
        let component = try PulumiComponent.select(in: schema, requested: request.component)
        let (spec, skipped) = try PulumiSchemaTranslator.specSchema(schema: schema, component: component)
        warnings += skipped
        let stack = try SecretKeyRef.parse(request.stackAccessTokenSecret, flag: "stack-access-token-secret")
        return Result(warnings: warnings, files: files(request, component: component.token, spec: spec, bearer: bearer, stack: stack))
    }

    static func files(_ request: Request, component: String, spec: JSONValue, bearer: SecretKeyRef?, stack: SecretKeyRef?) -> [GeneratedFile] {
        let version = (request.version ?? "").isEmpty ? "v1alpha1" : request.version!
        let plural = (request.plural ?? "").isEmpty ? request.kind.lowercased() + "s" : request.plural!
        let crd = customResourceDefinition(group: request.group, kind: request.kind, plural: plural, version: version, spec: spec)
        let pipelines: JSONValue = [pipeline(component: component, schema: request.schema, bearer: bearer, stack: stack)]
        var required = JSONObject()
        for field in PulumiSchemaTranslator.strings(spec["required"]) ?? [] {
            required[field] = .string("# type \(spec[path: ["properties", field, "type"]]?.stringValue ?? "")")
        }
        let example: JSONValue = [
            "apiVersion": .string("\(request.group)/\(version)"), "kind": .string(request.kind),
            "metadata": ["name": "example-request", "namespace": "default"],
            "spec": required.isEmpty ? .null : .object(required),
        ]
        let indented = PulumiYAML(indentSequences: true)
        let flat = PulumiYAML(indentSequences: false)
        let readme = flat.marshal(.string(self.readme(request, extraFlags: extraFlags(request))))
        if request.split {
            return [
                GeneratedFile(path: "api.yaml", contents: flat.marshal(crd)),
                GeneratedFile(path: "dependencies.yaml", contents: flat.marshal([])),
                GeneratedFile(path: "example-resource.yaml", contents: flat.marshal(example)),
                GeneratedFile(path: "workflows/resource/configure/workflow.yaml", contents: indented.marshal(pipelines)),
                GeneratedFile(path: "README.md", contents: readme),
            ]
        }
        let promise: JSONValue = [
            "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Promise",
            "metadata": ["labels": ["kratix.io/promise-version": "v0.0.1"], "name": .string(request.name)],
            "spec": [
                "api": crd,
                "destinationSelectors": [["matchLabels": ["environment": "pulumi"]]],
                "workflows": ["config": .object([:]), "promise": .object([:]), "resource": ["configure": pipelines]],
            ],
            "status": ["workflows": 0, "workflowsFailed": 0, "workflowsSucceeded": 0],
        ]
        return [
            GeneratedFile(path: "promise.yaml", contents: indented.marshal(promise)),
            GeneratedFile(path: "example-resource.yaml", contents: flat.marshal(example)),
            GeneratedFile(path: "README.md", contents: readme),
        ]
    }

    /// The CRD as a typed apiextensions object marshals: with the empty `status` Go writes.
    static func customResourceDefinition(group: String, kind: String, plural: String, version: String, spec: JSONValue) -> JSONValue {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(group)")],
            "spec": [
                "group": .string(group),
                "names": ["kind": .string(kind), "plural": .string(plural), "singular": .string(kind.lowercased())],
                "scope": "Namespaced",
                "versions": [[
                    "name": .string(version),
                    "schema": ["openAPIV3Schema": ["properties": ["spec": spec], "type": "object"]],
                    "served": true, "storage": true,
                ]],
            ],
            "status": ["acceptedNames": ["kind": "", "plural": ""], "conditions": nil, "storedVersions": nil],
        ]
    }

    static func pipeline(component: String, schema: String, bearer: SecretKeyRef?, stack: SecretKeyRef?) -> JSONValue {
        var programEnv: [JSONValue] = [
            ["name": "PULUMI_COMPONENT_TOKEN", "value": .string(component)],
            ["name": "PULUMI_SCHEMA_SOURCE", "value": .string(schema)],
        ]
        if let bearer {
            programEnv.append([
                "name": "PULUMI_ACCESS_TOKEN",
                "valueFrom": ["secretKeyRef": ["key": .string(bearer.key), "name": .string(bearer.name)]],
            ])
        }
        var stackEnv: [JSONValue] = [["name": "PULUMI_COMPONENT_TOKEN", "value": .string(component)]]
        if let stack {
            stackEnv.append(["name": "PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME", "value": .string(stack.name)])
            stackEnv.append(["name": "PULUMI_STACK_ACCESS_TOKEN_SECRET_KEY", "value": .string(stack.key)])
        }
        // Built in the order the reference output lists a container's fields.
        let program: JSONValue = [
            "env": .array(programEnv), "command": [.string(programCommand)], "image": .string(generatorImage),
            "name": "pulumi-program-generator",
        ]
        let stackContainer: JSONValue = [
            "env": .array(stackEnv), "command": [.string(stackCommand)], "image": .string(generatorImage),
            "name": "pulumi-stack-generator",
        ]
        return [
            "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Pipeline",
            "metadata": ["name": "instance-configure"],
            "spec": ["containers": [program, stackContainer]],
        ]
    }

    /// The flags the README replays, shell-single-quoted.
    static func extraFlags(_ request: Request) -> String {
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'" }
        var flags = ["--schema", quoted(request.schema)]
        if let c = request.component, !c.isEmpty { flags += ["--component", quoted(c)] }
        if let s = request.schemaBearerTokenSecret, !s.isEmpty { flags += ["--schema-bearer-token-secret", quoted(s)] }
        if let s = request.stackAccessTokenSecret, !s.isEmpty { flags += ["--stack-access-token-secret", quoted(s)] }
        if let v = request.version, !v.isEmpty { flags += ["--version", quoted(v)] }
        if let p = request.plural, !p.isEmpty { flags += ["--plural", quoted(p)] }
        if request.split { flags.append("--split") }
        return flags.joined(separator: " ")
    }

    /// The README of the reference output (`test/assets/pulumi/expected-output/README.md`).
    static func readme(_ request: Request, extraFlags: String) -> String {
        PromiseGenerator.readme(
            commandLine: "kratix init pulumi-component-promise \(request.name) \(extraFlags) --group \(request.group) --kind \(request.kind)",
            kind: request.kind, section: """

        ### Pulumi PKO output

        The generated Pulumi workflow runs two containers from the same stage codebase:
        - `\(programCommand)` entrypoint emits a PKO `Program`.
        - `\(stackCommand)` entrypoint emits a PKO `Stack`.

        The `Program` container writes deterministic values from existing inputs:
        - `program.resources.<component>.type` from `--component` selection.
        - `program.resources.<component>.properties` from request `spec`.
        - deterministic metadata, namespace and naming from the stage contract.

        The `Program` container also reads `PULUMI_SCHEMA_SOURCE` and auto-generates `program.configuration` entries only when values are explicitly trusted in schema config variables (`type`, `default`, `secret`).

        The `Stack` container writes deterministic metadata passthrough, `spec.programRef.name`, and `spec.stack` from known request inputs and component identity.


        This PKO object generation introduces no additional required environment variables for either the Program or Stack.
        If you need additional Pulumi runtime intent, write and add a custom stage container to the Workflow that updates the generated Program or Stack before it is written to stage output.



        """)
    }
}
