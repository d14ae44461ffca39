import Foundation
import KubeModel

/// One or more kubeconfig files, merged as client-go merges them, and resolved to a
/// ``ClientConfiguration`` for a context.
///
/// Merging follows client-go's rules for `KUBECONFIG`: the first file to define a cluster, user or
/// context name wins, and so does the first file to set `current-context`. Each entry remembers the
/// file it came from, so relative paths resolve against that file's directory and errors name it.
public struct Kubeconfig: Sendable {
    /// A named entry (`clusters[].cluster`, `users[].user`, `contexts[].context`) and its file.
    struct Entry: Sendable {
        var value: JSONValue
        var file: String
        var directory: String { (file as NSString).deletingLastPathComponent }
    }

    var clusters: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    public private(set) var currentContext: String?
    public private(set) var files: [String] = []

    public init() {}

    /// The names of the contexts defined.
    public var contextNames: [String] { contexts.keys.sorted() }

    /// Reads and merges the files, in precedence order.
    public static func load(paths: [String]) throws(ClientError) -> Kubeconfig {
        var merged = Kubeconfig()
        for path in paths {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .configuration("kubeconfig \(path): cannot be read (\(Self.reason(error)))")
            }
            merged.merge(try parse(text, file: path))
        }
        return merged
    }

    /// Parses one file's text; `file` names it in errors and anchors its relative paths.
    public static func parse(_ text: String, file: String) throws(ClientError) -> Kubeconfig {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(in: text, source: file)
        } catch {
            throw .configuration("kubeconfig \(error)")
        }
        var config = Kubeconfig()
        config.files = [file]
        guard let root = documents.first?.value else { return config }
        guard case .object = root else {
            throw .configuration("kubeconfig \(file): expected a mapping at the top level, found \(root.typeName)")
        }
        func entries(_ list: String, _ member: String) throws(ClientError) -> [String: Entry] {
            guard let value = root[list], !value.isNull else { return [:] }
            guard let items = value.arrayValue else {
                throw .configuration("kubeconfig \(file): \(list): expected a list, found \(value.typeName)")
            }
            var out: [String: Entry] = [:]
            for (index, item) in items.enumerated() {
                guard let nameValue = item["name"], !nameValue.isNull else {
                    throw .configuration("kubeconfig \(file): \(list)[\(index)].name: required")
                }
                guard let name = nameValue.stringValue, !name.isEmpty else {
                    // YAML 1.1 reads `y`, `no`, `on` as booleans: quoting the name helps.
                    throw .configuration("kubeconfig \(file): \(list)[\(index)].name: expected a non-empty string, found \(nameValue.typeName) (quote the name)")
                }
                // Within one file the first definition wins too, as client-go's map decoding keeps it.
                if out[name] == nil { out[name] = Entry(value: item[member] ?? .object([:]), file: file) }
            }
            return out
        }
        config.clusters = try entries("clusters", "cluster")
        config.users = try entries("users", "user")
        config.contexts = try entries("contexts", "context")
        if let current = root["current-context"]?.stringValue, !current.isEmpty { config.currentContext = current }
        return config
    }

    /// Adds `other` with lower precedence: only what `self` does not define yet is taken.
    public mutating func merge(_ other: Kubeconfig) {
        clusters.merge(other.clusters) { mine, _ in mine }
        users.merge(other.users) { mine, _ in mine }
        contexts.merge(other.contexts) { mine, _ in mine }
        if currentContext == nil { currentContext = other.currentContext }
        files += other.files
    }

    private var fileList: String { files.joined(separator: ":") }

    /// The configuration of `context`, or of `current-context` when `context` is `nil`.
    public func configuration(context requested: String? = nil) throws(ClientError) -> ClientConfiguration {
        guard let name = (requested?.isEmpty ?? true) ? currentContext : requested else {
            throw .configuration("kubeconfig \(fileList): current-context is not set and no context was given")
        }
        guard let context = contexts[name] else {
            throw .configuration("kubeconfig \(fileList): context \"\(name)\" not found (defined: \(contextNames.joined(separator: ", ")))")
        }
        let contextField = "contexts[\"\(name)\"].context"
        guard let clusterName = context.value["cluster"]?.stringValue, !clusterName.isEmpty else {
            throw .configuration("kubeconfig \(context.file): \(contextField).cluster: required")
        }
        guard let cluster = clusters[clusterName] else {
            throw .configuration("kubeconfig \(fileList): cluster \"\(clusterName)\" (named by context \"\(name)\") not found")
        }
        let userName = context.value["user"]?.stringValue ?? ""
        var user: Entry?
        if !userName.isEmpty {
            guard let found = users[userName] else {
                throw .configuration("kubeconfig \(fileList): user \"\(userName)\" (named by context \"\(name)\") not found")
            }
            user = found
        }

        let clusterField = "clusters[\"\(clusterName)\"].cluster"
        guard let server = cluster.value["server"]?.stringValue, !server.isEmpty else {
            throw .configuration("kubeconfig \(cluster.file): \(clusterField).server: required")
        }
        var tls = TLSSettings()
        tls.caPEM = try pem(cluster, clusterField, data: "certificate-authority-data", file: "certificate-authority")
        tls.insecureSkipTLSVerify = try bool(cluster, clusterField, "insecure-skip-tls-verify")
        if tls.insecureSkipTLSVerify, tls.caPEM != nil {
            throw .configuration("kubeconfig \(cluster.file): \(clusterField): certificate-authority and insecure-skip-tls-verify cannot both be set")
        }
        if let serverName = cluster.value["tls-server-name"]?.stringValue, !serverName.isEmpty { tls.serverName = serverName }

        var configuration = ClientConfiguration(server: server)
        if let proxy = cluster.value["proxy-url"]?.stringValue, !proxy.isEmpty {
            configuration.warnings.append("kubeconfig \(cluster.file): \(clusterField).proxy-url is not supported and is ignored; connecting to \(server) directly")
        }
        if let user {
            let userField = "users[\"\(userName)\"].user"
            tls.clientCertificatePEM = try pem(user, userField, data: "client-certificate-data", file: "client-certificate")
            tls.clientKeyPEM = try pem(user, userField, data: "client-key-data", file: "client-key")
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                throw .configuration("kubeconfig \(user.file): \(userField): client-certificate and client-key must be given together")
            }
            configuration.credentials = try credentials(user, userField, cluster: cluster)
        }
        configuration.tls = tls
        if let namespace = context.value["namespace"]?.stringValue, !namespace.isEmpty {
            configuration.defaultNamespace = namespace
        }
        return configuration
    }

    private func credentials(_ user: Entry, _ field: String, cluster: Entry) throws(ClientError) -> Credentials {
        let value = user.value
        if let provider = value["auth-provider"], !provider.isNull {
            let providerName = provider["name"]?.stringValue ?? "?"
            throw .configuration("kubeconfig \(user.file): \(field).auth-provider (\(providerName)) is not supported; use an exec credential plugin")
        }
        if let token = value["token"]?.stringValue, !token.isEmpty {
            return .bearerToken(token)
        }
        if let tokenFile = value["tokenFile"]?.stringValue, !tokenFile.isEmpty {
            return .tokenFile(resolve(tokenFile, in: user))
        }
        if let exec = value["exec"], !exec.isNull {
            return .exec(try execConfig(exec, user, field + ".exec", cluster: cluster))
        }
        let username = value["username"]?.stringValue ?? ""
        let password = value["password"]?.stringValue ?? ""
        if !username.isEmpty || !password.isEmpty {
            return .basic(username: username, password: password)
        }
        return .none
    }

    private func execConfig(_ exec: JSONValue, _ user: Entry, _ field: String, cluster: Entry) throws(ClientError) -> ExecCredentialConfig {
        guard let apiVersion = exec["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            throw .configuration("kubeconfig \(user.file): \(field).apiVersion: required")
        }
        guard ExecCredentialConfig.supportedAPIVersions.contains(apiVersion) else {
            throw .configuration("kubeconfig \(user.file): \(field).apiVersion: \"\(apiVersion)\" is not supported (supported: \(ExecCredentialConfig.supportedAPIVersions.joined(separator: ", ")))")
        }
        guard var command = exec["command"]?.stringValue, !command.isEmpty else {
            throw .configuration("kubeconfig \(user.file): \(field).command: required")
        }
        // client-go resolves a relative path with a separator against the kubeconfig's directory;
        // a bare name is looked up on PATH.
        if command.contains("/"), !command.hasPrefix("/") { command = resolve(command, in: user) }
        var env: [ExecEnvVar] = []
        for (index, item) in (exec["env"]?.arrayValue ?? []).enumerated() {
            guard let name = item["name"]?.stringValue, !name.isEmpty else {
                throw .configuration("kubeconfig \(user.file): \(field).env[\(index)].name: required")
            }
            env.append(ExecEnvVar(name: name, value: item["value"]?.stringValue ?? ""))
        }
        let interactiveMode = exec["interactiveMode"]?.stringValue
        if let interactiveMode, !["Never", "IfAvailable", "Always"].contains(interactiveMode) {
            throw .configuration("kubeconfig \(user.file): \(field).interactiveMode: \"\(interactiveMode)\" is not one of Never, IfAvailable, Always")
        }
        let extensions = cluster.value["extensions"]?.arrayValue ?? []
        let clusterConfig = extensions.first { $0["name"]?.stringValue == "client.authentication.k8s.io/exec" }?["extension"]
        return ExecCredentialConfig(
            apiVersion: apiVersion, command: command,
            args: (exec["args"]?.arrayValue ?? []).compactMap(\.stringValue), env: env,
            installHint: exec["installHint"]?.stringValue,
            provideClusterInfo: exec["provideClusterInfo"]?.boolValue ?? false,
            interactiveMode: interactiveMode, clusterConfig: clusterConfig)
    }

    private func bool(_ entry: Entry, _ field: String, _ key: String) throws(ClientError) -> Bool {
        guard let value = entry.value[key], !value.isNull else { return false }
        if let b = value.boolValue { return b }
        if let s = value.stringValue, let b = Bool(s) { return b }
        throw .configuration("kubeconfig \(entry.file): \(field).\(key): expected a boolean, found \(value.typeName)")
    }

    /// A path relative to the directory of the file that set it.
    private func resolve(_ path: String, in entry: Entry) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            return home + path.dropFirst()
        }
        return (entry.directory as NSString).appendingPathComponent(path)
    }

    /// PEM from inline base64 `data`, else from the `file` path; the data wins, as in client-go.
    private func pem(_ entry: Entry, _ field: String, data dataKey: String, file fileKey: String) throws(ClientError) -> String? {
        if let encoded = entry.value[dataKey]?.stringValue, !encoded.isEmpty {
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw .configuration("kubeconfig \(entry.file): \(field).\(dataKey): not valid base64")
            }
            return String(decoding: data, as: UTF8.self)
        }
        guard let path = entry.value[fileKey]?.stringValue, !path.isEmpty else { return nil }
        let resolved = resolve(path, in: entry)
        do {
            return try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            throw .configuration("kubeconfig \(entry.file): \(field).\(fileKey): cannot read \(resolved) (\(Self.reason(error)))")
        }
    }

    /// A short reason for a file error (Foundation's messages repeat the path and add noise).
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }
}
