import ArgumentParser
import Foundation
import KubeAPIServer
import KubeModel

struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiserver", abstract: "Run the embedded Kubernetes-compatible API server.",
        discussion: """
            Serves the Kubernetes API for kubectl and clients over TLS with a bearer token (both created \
            on first start in DIR) and writes DIR/kubeconfig for them. Objects are kept in DIR/storage \
            (a snapshot and a checksummed journal, synced to the disk before a write is answered) unless \
            --in-memory is given. A damaged storage file stops the start with its name, line and offset; \
            --repair-storage then keeps every intact record and moves the damaged ones aside. \
            The token is a cluster admin's. Service-account tokens (TokenRequest) are subject to RBAC \
            with --authorization-mode RBAC; by default (AlwaysAllow) any authenticated client may do \
            anything. `kubectl auth can-i` answers from RBAC in both modes.
            """)

    @Option(name: .customLong("data-dir"), help: "Storage, certificates and DIR/kubeconfig.") var dataDir = "./.kratix/apiserver"
    @Flag(name: .customLong("in-memory"), help: "Keep objects in memory only.") var inMemory = false
    @Flag(name: .customLong("repair-storage"), help: "Start from the intact records of damaged storage, moving the damaged ones aside.")
    var repairStorage = false
    @Option(name: .customLong("bind-address"), help: "Address to listen on.") var bindAddress = "127.0.0.1"
    @Option(help: "Port; 0 picks a free one.") var port = 6443
    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP (tests only).") var insecureHTTP = false
    @Option(name: .customLong("authorization-mode"), help: "AlwaysAllow or RBAC (enforce RBAC on service-account tokens and impersonated users).")
    var authorizationMode = AuthorizationMode.alwaysAllow.rawValue

    func validate() throws {
        guard AuthorizationMode(rawValue: authorizationMode) != nil else {
            throw ValidationError("--authorization-mode must be one of \(AuthorizationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        try DataDirectory.prepare(dataDir)
        var configuration = APIServer.Configuration(host: bindAddress, port: port)
        configuration.authorizationMode = AuthorizationMode(rawValue: authorizationMode) ?? .alwaysAllow
        if !insecureHTTP {
            let hosts = Array(Set([bindAddress, "127.0.0.1", "localhost"]))
            configuration.credentials = try ServerCredentials.loadOrCreate(in: dataDir, hosts: hosts)
        }
        let store = try ObjectStore(dataDirectory: inMemory ? nil : (dataDir as NSString).appendingPathComponent("storage"),
                                    repairStorage: repairStorage)
        let server = APIServer(configuration: configuration, handler: APIHandler(store: store))
        let bound = try await server.bind()
        let kubeconfigPath = try Kubeconfig.write(server: bound.url, credentials: configuration.credentials, directory: dataDir)
        print("Kubernetes API listening on \(bound.url)")
        print("kubeconfig: \(kubeconfigPath)   (export KUBECONFIG=\(kubeconfigPath))")
        fflush(nil)  // startup lines reach a log file at once
        try await bound.run()
    }
}

/// The kubeconfig written for users and tools of a local server.
enum Kubeconfig {
    static func document(server: String, credentials: ServerCredentials?) -> JSONValue {
        var cluster: JSONObject = ["server": .string(server)]
        var user: JSONObject = [:]
        if let credentials {
            cluster["certificate-authority-data"] = .string(Data(credentials.caCertificatePEM.utf8).base64EncodedString())
            user["token"] = .string(credentials.token)
        }
        return [
            "apiVersion": "v1", "kind": "Config", "current-context": "kratix",
            "clusters": [["name": "kratix", "cluster": .object(cluster)]],
            "users": [["name": "kratix", "user": .object(user)]],
            "contexts": [["name": "kratix", "context": ["cluster": "kratix", "user": "kratix", "namespace": "default"]]],
        ]
    }

    /// Writes DIR/kubeconfig (0600: it holds the token).
    static func write(server: String, credentials: ServerCredentials?, directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("kubeconfig")
        try Data(YAMLWriter().write(document(server: server, credentials: credentials)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }
}
