import Foundation

/// How processes in pods reach the API server: the runner's own server URL and trust, handed to
/// each pod as `KUBERNETES_SERVICE_HOST`/`PORT`, `ca.crt` and a kubeconfig.
public struct APIServerEndpoint: Sendable, Equatable {
    /// `https://127.0.0.1:6443`
    public var url: String
    /// The CA that signs the server certificate, written to the pod's `ca.crt`; `nil` writes an empty file.
    public var caCertificatePEM: String?
    /// Carried into the pod's kubeconfig when the runner itself does not verify the server.
    public var insecureSkipTLSVerify: Bool

    public init(url: String, caCertificatePEM: String? = nil, insecureSkipTLSVerify: Bool = false) {
        self.url = url
        self.caCertificatePEM = caCertificatePEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
    }

    /// Host and port as in-cluster clients join them (`https://HOST:PORT`).
    var hostAndPort: (host: String, port: Int) {
        let parsed = URL(string: url)
        let isHTTP = parsed?.scheme?.lowercased() == "http"
        var host = parsed?.host ?? "127.0.0.1"
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, parsed?.port ?? (isHTTP ? 80 : 443))
    }

    /// The variables the kubelet gives every container for the `kubernetes` service.
    var serviceEnvironment: [String: String] {
        let (host, port) = hostAndPort
        let hostForURL = host.contains(":") ? "[\(host)]" : host
        return [
            "KUBERNETES_SERVICE_HOST": host,
            "KUBERNETES_SERVICE_PORT": String(port),
            "KUBERNETES_SERVICE_PORT_HTTPS": String(port),
            "KUBERNETES_PORT": "tcp://\(hostForURL):\(port)",
        ]
    }
}
