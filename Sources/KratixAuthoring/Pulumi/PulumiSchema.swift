import Foundation
import KubeModel

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Pulumi package schema, as much of it as the generator and the stage read: the resources (to
/// find components and their inputs), the named types that `$ref`s point at, and the config
/// variables the Program stage turns into `program.configuration`.
struct PulumiSchema: Sendable, Equatable {
    var resources: JSONObject
    var types: JSONObject
    var configVariables: JSONObject

    /// Reads a schema given as JSON or YAML.
    init(parsing text: String, source: String) throws(AuthoringError) {
        let value: JSONValue
        do {
            value = try YAMLReader.singleDocument(in: text, source: source)
        } catch {
            throw AuthoringError("load schema: parse input schema as JSON or YAML: \(error)")
        }
        guard case .object(let root) = value else {
            throw AuthoringError("load schema: parse input schema as JSON or YAML: expected an object, found \(value.typeName)")
        }
        func object(_ v: JSONValue?, _ field: String) throws(AuthoringError) -> JSONObject {
            switch v {
            case nil, .null?: return [:]
            case .object(let o)?: return o
            case let other?:
                throw AuthoringError("load schema: parse input schema as JSON or YAML: \(field) must be an object, found \(other.typeName)")
            }
        }
        resources = try object(root["resources"], "resources")
        types = try object(root["types"], "types")
        configVariables = try object(try object(root["config"], "config")["variables"], "config.variables")
    }

    /// Whether `source` names a file on this machine: no URL scheme, or a Windows drive path.
    static func isLocal(_ source: String) -> Bool {
        if isWindowsPath(source) { return true }
        return scheme(of: source) == nil
    }

    static func isWindowsPath(_ source: String) -> Bool {
        let c = Array(source.unicodeScalars)
        return c.count >= 3 && c[0].properties.isAlphabetic && c[0].isASCII && c[1] == ":" && (c[2] == "/" || c[2] == "\\")
    }

    /// The URL scheme (lower case), as Go's url.Parse finds one: letters first, then letters,
    /// digits, `+`, `-`, `.`, up to a colon.
    static func scheme(of source: String) -> String? {
        guard let colon = source.firstIndex(of: ":") else { return nil }
        let candidate = source[..<colon]
        guard let first = candidate.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return nil }
        let allowed = candidate.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
        return allowed ? candidate.lowercased() : nil
    }

    /// A bearer token is never sent over plain HTTP.
    static func validateAuth(source: String, hasCredentials: Bool) throws(AuthoringError) {
        guard hasCredentials, scheme(of: source) == "http" else { return }
        throw AuthoringError(
            "load schema: refusing to send credentials to insecure HTTP schema URL \(sanitized(source)); use HTTPS or remove schema authentication")
    }

    /// The URL without its query and credentials, for messages.
    static func sanitized(_ source: String) -> String {
        guard let components = URLComponents(string: source), let scheme = components.scheme, var host = components.host else { return source }
        if let port = components.port { host += ":\(port)" }
        return components.path.isEmpty ? "\(scheme)://\(host)" : "\(scheme)://\(host)\(components.path)"
    }

    /// Reads the schema from a file, or fetches it over HTTP(S) with `PULUMI_ACCESS_TOKEN` (or the
    /// file `PULUMI_ACCESS_TOKEN_FILE` names) as a bearer token when one is set.
    static func load(
        _ source: String, environment: [String: String] = ProcessInfo.processInfo.environment, relativeTo base: URL? = nil
    ) async throws(AuthoringError) -> PulumiSchema {
        if isLocal(source) {
            let path = source.hasPrefix("/") || base == nil ? source : base!.appendingPathComponent(source).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AuthoringError("load schema: read input schema file: open \(source): no such file or directory")
            }
            return try PulumiSchema(parsing: String(decoding: data, as: UTF8.self), source: source)
        }
        guard let scheme = scheme(of: source), scheme == "http" || scheme == "https" else {
            throw AuthoringError("load schema: unsupported URL scheme \"\(scheme(of: source) ?? "")\"")
        }
        // Upstream's test hook: a fixed answer for one URL, so the fetch path is testable offline.
        if let target = environment["KRATIX_TEST_SCHEMA_URL"], !target.isEmpty, target == source {
            let mode = environment["KRATIX_TEST_SCHEMA_URL_MODE"] ?? ""
            if mode.isEmpty || mode == "success" {
                guard let body = environment["KRATIX_TEST_SCHEMA_URL_BODY"], !body.isEmpty else {
                    throw AuthoringError("load schema: fetch input schema URL: missing KRATIX_TEST_SCHEMA_URL_BODY for \(sanitized(source))")
                }
                return try PulumiSchema(parsing: body, source: source)
            }
            if mode.hasPrefix("status:") {
                throw AuthoringError("load schema: fetch input schema URL: unexpected status \(mode.dropFirst(7)) for \(sanitized(source))")
            }
            if mode.hasPrefix("error:") {
                let message = mode.dropFirst(6)
                throw AuthoringError("load schema: fetch input schema URL: \(message.isEmpty ? "test URL fetch failure" : message)")
            }
            throw AuthoringError("load schema: fetch input schema URL: invalid KRATIX_TEST_SCHEMA_URL_MODE \"\(mode)\"")
        }
        var token = (environment["PULUMI_ACCESS_TOKEN"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if token.isEmpty, let file = environment["PULUMI_ACCESS_TOKEN_FILE"]?.trimmingCharacters(in: .whitespaces), !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AuthoringError("load schema: read PULUMI_ACCESS_TOKEN_FILE: open \(file): no such file or directory")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try validateAuth(source: source, hasCredentials: !token.isEmpty)
        let body = try await HTTPFetch.get(source, bearerToken: token.isEmpty ? nil : token, timeout: 15,
                                           what: "load schema: fetch input schema URL")
        return try PulumiSchema(parsing: String(decoding: body, as: UTF8.self), source: source)
    }
}
