import Foundation
import KubeAPIServer
import KubeModel

/// An embedded API server on a free 127.0.0.1 port for one test, with a kubeconfig for kubectl and
/// for our own client. The server is stopped when the test's body returns.
public struct TestAPIServer: Sendable {
    public let url: String
    public let kubeconfig: String
    public let store: ObjectStore
    public let token: String?
    /// The CA that signed the serving certificate (TLS servers only).
    public let caCertificatePEM: String?

    /// - Parameter authorizationMode: `.rbac` enforces RBAC on service-account tokens and
    ///   impersonated users (the admin token of a TLS server, and every request to a plain one, stay
    ///   cluster admin).
    public static func with<T>(tls: Bool = false, eventWindow: Int = 10_000, authorizationMode: AuthorizationMode = .alwaysAllow,
                               _ body: (TestAPIServer) async throws -> T) async throws -> T {
        let store = try ObjectStore(dataDirectory: nil, eventWindow: eventWindow)
        var configuration = APIServer.Configuration()
        configuration.authorizationMode = authorizationMode
        let credentials = tls ? try ServerCredentials.generate(hosts: ["127.0.0.1"]) : nil
        configuration.credentials = credentials
        let bound = try await APIServer(configuration: configuration, handler: APIHandler(store: store)).bind()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-apiserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        var cluster: JSONObject = ["server": .string(bound.url)]
        var user: JSONObject = [:]
        if let credentials {
            cluster["certificate-authority-data"] = .string(Data(credentials.caCertificatePEM.utf8).base64EncodedString())
            user["token"] = .string(credentials.token)
        }
        let config: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": "test",
            "clusters": [["name": "test", "cluster": .object(cluster)]],
            "users": [["name": "test", "user": .object(user)]],
            "contexts": [["name": "test", "context": ["cluster": "test", "user": "test", "namespace": "default"]]],
        ]
        try YAMLWriter().write(config).write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let server = TestAPIServer(url: bound.url, kubeconfig: kubeconfig, store: store, token: credentials?.token,
                                   caCertificatePEM: credentials?.caCertificatePEM)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bound.run() }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    public typealias Output = TestShell.Output

    public struct KubectlMissing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "kubectl is needed (apt-get install kubernetes-client)" }
    }

    /// Runs the real kubectl against this server (its cache kept inside the test's directory).
    /// `executable` picks another kubectl (`kubectl.1.33` beside the default one).
    public func kubectl(_ arguments: [String], stdin: String? = nil, executable: String? = nil) async throws -> Output {
        guard let kubectl = executable ?? TestEnvironment.kubectl else { throw KubectlMissing() }
        let cache = (kubeconfig as NSString).deletingLastPathComponent + "/cache"
        return try await TestShell.run(kubectl, ["--kubeconfig", kubeconfig, "--cache-dir", cache] + arguments, stdin: stdin)
    }
}
