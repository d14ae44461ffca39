import Foundation
import KubeModel

/// The `pulumi-generator` stage (upstream image `ghcr.io/syntasso/kratix-cli/pulumi-generator`):
/// its two entrypoints turn a resource request into a Pulumi Kubernetes Operator `Program` and a
/// `Stack` that runs it. Names are derived from the request and component so that they are
/// stable across reconciles and unique per request.
public enum PulumiGeneratorStage {
    /// `/pulumi-program-generator`: writes `program.yaml` (or `KRATIX_OUTPUT_FILE`).
    public static func program(environment env: [String: String], log: StageLog = StageLog()) async throws(AuthoringError) {
        guard let token = nonEmpty(env["PULUMI_COMPONENT_TOKEN"]) else { throw AuthoringError("expected PULUMI_COMPONENT_TOKEN to be set") }
        guard let source = nonEmpty(env["PULUMI_SCHEMA_SOURCE"]) else { throw AuthoringError("expected PULUMI_SCHEMA_SOURCE to be set") }
        log("starting transformation (componentToken=\(goQuote(token)), schemaSource=\(goQuote(source)))")
        let input = nonEmpty(env["KRATIX_INPUT_FILE"]) ?? "/kratix/input/object.yaml"
        let output = nonEmpty(env["KRATIX_OUTPUT_FILE"]) ?? "/kratix/output/program.yaml"
        log("using input file \(goQuote(input)) and output file \(goQuote(output))")
        let request = try StageRequest.read(input)
        guard let rawSpec = request["spec"] else { throw AuthoringError("missing required field: spec") }
        guard case .object = rawSpec else { throw AuthoringError("invalid field: spec must be an object") }
        let name = try requestName(request)
        let namespace = requestNamespace(request)
        let kind = request["kind"]?.stringValue ?? ""
        let resourceName = Self.programResourceName(token)
        let programName = Self.programName(name: name, namespace: namespace, kind: kind, token: token)
        log("computed names (programName=\(goQuote(programName)), resourceName=\(goQuote(resourceName)))")
        let configuration = try await Self.programConfiguration(source, environment: env)

        var program: JSONObject = ["resources": [resourceName: ["properties": rawSpec, "type": .string(token)]]]
        if !configuration.isEmpty { program["configuration"] = .object(configuration) }
        var object = metadata(of: request, apiVersion: "pulumi.com/v1", kind: "Program", name: programName, namespace: namespace)
        object["program"] = .object(program)
        try StageRequest.write(.object(object), to: output, kind: "Program")
        log("wrote Program \(goQuote(programName)) to \(goQuote(output))")
    }

    /// `/pulumi-stack-generator`: writes `stack.yaml` (or `KRATIX_OUTPUT_FILE`).
    public static func stack(environment env: [String: String], log: StageLog = StageLog()) throws(AuthoringError) {
        guard let token = nonEmpty(env["PULUMI_COMPONENT_TOKEN"]) else {
            throw AuthoringError("missing required environment variable PULUMI_COMPONENT_TOKEN")
        }
        log("starting transformation (componentToken=\(goQuote(token)))")
        let input = nonEmpty(env["KRATIX_INPUT_FILE"]) ?? "/kratix/input/object.yaml"
        let output = nonEmpty(env["KRATIX_OUTPUT_FILE"]) ?? "/kratix/output/stack.yaml"
        log("using input file \(goQuote(input)) and output file \(goQuote(output))")
        let request = try StageRequest.read(input)
        let name = try requestName(request)
        let namespace = requestNamespace(request)
        let programName = Self.programName(name: name, namespace: namespace, kind: request["kind"]?.stringValue ?? "", token: token)
        var stackName = programName + "-stack"
        if stackName.utf8.count > 63 { stackName = String(stackName.prefix(63)) }
        log("computed names (programName=\(goQuote(programName)), stackName=\(goQuote(stackName)))")
        var spec: JSONObject = ["programRef": ["name": .string(programName)], "stack": .string(stackName)]
        let secretName = env["PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME"] ?? ""
        let secretKey = env["PULUMI_STACK_ACCESS_TOKEN_SECRET_KEY"] ?? ""
        if !secretName.isEmpty || !secretKey.isEmpty {
            guard !secretName.isEmpty, !secretKey.isEmpty else {
                throw AuthoringError(
                    "invalid Pulumi Stack access token secret configuration: set both PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME and PULUMI_STACK_ACCESS_TOKEN_SECRET_KEY")
            }
            spec["envRefs"] = ["PULUMI_ACCESS_TOKEN": ["secret": ["key": .string(secretKey), "name": .string(secretName)], "type": "Secret"]]
        }
        var object = metadata(of: request, apiVersion: "pulumi.com/v1", kind: "Stack", name: stackName, namespace: namespace)
        object["spec"] = .object(spec)
        try StageRequest.write(.object(object), to: output, kind: "Stack")
        log("wrote Stack \(goQuote(stackName)) to \(goQuote(output))")
    }

    static func nonEmpty(_ s: String?) -> String? { (s ?? "").isEmpty ? nil : s }

    static func requestName(_ request: JSONObject) throws(AuthoringError) -> String {
        guard let name = nonEmpty(request["metadata"]?["name"]?.stringValue) else { throw AuthoringError("missing required field: metadata.name") }
        return name
    }

    static func requestNamespace(_ request: JSONObject) -> String {
        nonEmpty(request["metadata"]?["namespace"]?.stringValue) ?? "default"
    }

    /// apiVersion, kind, name, namespace, and the request's labels and annotations passed through.
    static func metadata(of request: JSONObject, apiVersion: String, kind: String, name: String, namespace: String) -> JSONObject {
        var metadata: JSONObject = ["name": .string(name), "namespace": .string(namespace)]
        for key in ["labels", "annotations"] {
            if case .object(let o)? = request["metadata"]?[key], !o.isEmpty { metadata[key] = .object(o) }
        }
        return ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(metadata)]
    }

    /// `<sanitised name>-<fnv32a of ns/kind/name/token>`, at most 63 characters.
    static func programName(name: String, namespace: String, kind: String, token: String) -> String {
        let base = sanitize(name)
        let hash = fnv32a("\(namespace)/\(kind)/\(name)/\(token)")
        let full = "\(base)-\(hash)"
        if full.utf8.count <= 63 { return full }
        let maxBase = 63 - hash.count - 1
        return "\(trimDashes(String(base.prefix(maxBase))))-\(hash)"
    }

    /// The component token as a resource key: `pkg:index:Database` → `pkg-index-database`.
    static func programResourceName(_ token: String) -> String {
        let name = sanitize(token.replacingOccurrences(of: ":", with: "-"))
        return name.utf8.count > 63 ? trimDashes(String(name.prefix(63))) : name
    }

    static func sanitize(_ input: String) -> String {
        var out = ""
        for c in input.lowercased().replacingOccurrences(of: "_", with: "-").unicodeScalars {
            let ok = ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "-"
            let ch: Character = ok ? Character(c) : "-"
            if ch == "-", out.last == "-" { continue }
            out.append(ch)
        }
        let trimmed = trimDashes(out)
        return trimmed.isEmpty ? "program" : trimmed
    }

    static func trimDashes(_ s: String) -> String {
        String(s.drop(while: { $0 == "-" }).reversed().drop(while: { $0 == "-" }).reversed())
    }

    static func fnv32a(_ s: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in s.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `program.configuration` from the schema's config variables: only `type`, `default` and
    /// `secret`, and only when the schema states them.
    static func programConfiguration(_ source: String, environment: [String: String]) async throws(AuthoringError) -> JSONObject {
        let schema: PulumiSchema
        do {
            schema = try await PulumiSchema.load(source, environment: environment)
        } catch {
            throw AuthoringError("load schema for Program configuration: \(error.description)")
        }
        var configuration = JSONObject()
        for key in schema.configVariables.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard case .object(let variable) = schema.configVariables[key]! else {
                throw AuthoringError("load schema for Program configuration: parse config variable \(goQuote(key)): not an object")
            }
            var entry = JSONObject()
            switch variable["type"] {
            case .string(let t)? where !t.isEmpty: entry["type"] = .string(t)
            case nil, .null?, .string?: break
            default: throw AuthoringError("load schema for Program configuration: parse config variable \(goQuote(key)): type must be a string")
            }
            if let value = variable["default"], !value.isNull { entry["default"] = value }
            switch variable["secret"] {
            case .bool(let b)?: entry["secret"] = .bool(b)
            case nil, .null?: break
            default: throw AuthoringError("load schema for Program configuration: parse config variable \(goQuote(key)): secret must be a boolean")
            }
            if !entry.isEmpty { configuration[key] = .object(entry) }
        }
        return configuration
    }
}
