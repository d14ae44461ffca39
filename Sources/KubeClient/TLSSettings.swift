/// How the client verifies the server and proves itself to it.
///
/// PEM text rather than file paths: the kubeconfig reader resolves paths (relative to the
/// kubeconfig's directory) and inline `*-data` into the same form. `description` never shows the key.
public struct TLSSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The CA bundle to trust instead of the system roots.
    public var caPEM: String?
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?
    /// Accept any server certificate (kubeconfig `insecure-skip-tls-verify`). For development only.
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server certificate against when it differs from the host in `server`
    /// (kubeconfig `tls-server-name`).
    public var serverName: String?

    public init(
        caPEM: String? = nil, clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil,
        insecureSkipTLSVerify: Bool = false, serverName: String? = nil
    ) {
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.serverName = serverName
    }

    public var description: String {
        var parts: [String] = []
        if caPEM != nil { parts.append("custom CA") }
        if clientCertificatePEM != nil { parts.append("client certificate") }
        if clientKeyPEM != nil { parts.append("client key <redacted>") }
        if insecureSkipTLSVerify { parts.append("insecure-skip-tls-verify") }
        if let serverName { parts.append("server name \(serverName)") }
        return "TLSSettings(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }
}
