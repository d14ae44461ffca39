import ArgumentParser
import Foundation
import KubeAPIServer
import KubeModel

struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiserver", abstract: "Run the embedded Kubernetes-compatible API server.",
        discussion: """
            Serves the Kubernetes API for kubectl and clients, and writes DIR/kubeconfig for them. \
            This build keeps objects in memory and serves plain HTTP only (--insecure-http); TLS, \
            authentication and durable storage are being added.
            """)

    @Option(name: .customLong("data-dir"), help: "Storage, certificates and DIR/kubeconfig.") var dataDir = "./.kratix/apiserver"
    @Flag(name: .customLong("in-memory"), help: "Keep objects in memory only.") var inMemory = false
    @Option(name: .customLong("bind-address"), help: "Address to listen on.") var bindAddress = "127.0.0.1"
    @Option(help: "Port; 0 picks a free one.") var port = 6443
    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP (tests only).") var insecureHTTP = false

    func run() async throws {
        guard insecureHTTP else {
            throw ValidationError("TLS serving is not implemented in this build yet; run with --insecure-http")
        }
        if !inMemory {
            FileHandle.standardError.write(Data("warning: durable storage is not implemented yet; objects are kept in memory\n".utf8))
        }
        let server = APIServer(
            configuration: .init(host: bindAddress, port: port),
            handler: APIHandler(store: ObjectStore()))
        let bound = try await server.bind()
        let kubeconfigPath = try Kubeconfig.write(server: bound.url, directory: dataDir)
        print("Kubernetes API listening on \(bound.url)")
        print("kubeconfig: \(kubeconfigPath)   (export KUBECONFIG=\(kubeconfigPath))")
        fflush(nil)  // startup lines reach a log file at once
        try await bound.run()
    }
}

/// The kubeconfig written for users and tools of a local server.
enum Kubeconfig {
    static func document(server: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Config", "current-context": "kratix",
            "clusters": [["name": "kratix", "cluster": ["server": .string(server)]]],
            "users": [["name": "kratix", "user": [:]]],
            "contexts": [["name": "kratix", "context": ["cluster": "kratix", "user": "kratix", "namespace": "default"]]],
        ]
    }

    static func write(server: String, directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("kubeconfig")
        try Data(YAMLWriter().write(document(server: server)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
