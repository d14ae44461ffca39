import Foundation
import KubeModel

/// What an exec credential plugin printed: a token and/or a client certificate, and when they expire.
///
/// Parsing is strict as in client-go (kind, matching apiVersion, a credential present), and its
/// errors never quote the output, which holds the secret.
struct ExecCredential: Sendable, Equatable {
    var token: String?
    var clientCertificatePEM: String?
    var clientKeyPEM: String?
    /// `nil`: valid until the server rejects it.
    var expiration: Date?

    func isValid(at now: Date) -> Bool {
        guard let expiration else { return true }
        return now < expiration
    }

    static func parse(_ output: [UInt8], config: ExecCredentialConfig) throws(ClientError) -> ExecCredential {
        let plugin = "exec plugin \(config.command)"
        guard let value = try? JSONParser.parse(output) else {
            throw .configuration("\(plugin): its output is not a JSON ExecCredential (\(output.count) bytes)")
        }
        guard value["kind"]?.stringValue == "ExecCredential" else {
            throw .configuration("\(plugin): its output has kind \"\(value["kind"]?.stringValue ?? "")\", expected ExecCredential")
        }
        let apiVersion = value["apiVersion"]?.stringValue ?? ""
        guard apiVersion == config.apiVersion else {
            throw .configuration("\(plugin): its output has apiVersion \"\(apiVersion)\", the kubeconfig asks for \"\(config.apiVersion)\"")
        }
        guard let status = value["status"], case .object = status else {
            throw .configuration("\(plugin): its output has no status")
        }
        var credential = ExecCredential()
        credential.token = status["token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        credential.clientCertificatePEM = status["clientCertificateData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        credential.clientKeyPEM = status["clientKeyData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if (credential.clientCertificatePEM == nil) != (credential.clientKeyPEM == nil) {
            throw .configuration("\(plugin): status.clientCertificateData and status.clientKeyData must be given together")
        }
        if credential.token == nil && credential.clientCertificatePEM == nil {
            throw .configuration("\(plugin): status has neither a token nor a client certificate")
        }
        if let text = status["expirationTimestamp"]?.stringValue, !text.isEmpty {
            guard let date = RFC3339.parse(text) else {
                throw .configuration("\(plugin): status.expirationTimestamp \"\(text)\" is not an RFC 3339 time")
            }
            credential.expiration = date
        }
        return credential
    }

    /// What the cluster tells a plugin that asked for `provideClusterInfo`.
    struct ClusterInfo: Sendable {
        var server: String
        var caPEM: String?
        var insecureSkipTLSVerify: Bool
        var serverName: String?
    }

    /// The `KUBERNETES_EXEC_INFO` value kubectl sets: an ExecCredential with only a spec.
    static func execInfo(config: ExecCredentialConfig, cluster: ClusterInfo, interactive: Bool = false) -> String {
        var spec: JSONObject = ["interactive": .bool(interactive)]
        if config.provideClusterInfo {
            var info: JSONObject = ["server": .string(cluster.server)]
            if let serverName = cluster.serverName { info["tls-server-name"] = .string(serverName) }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let ca = cluster.caPEM { info["certificate-authority-data"] = .string(Data(ca.utf8).base64EncodedString()) }
            if let extra = config.clusterConfig { info["config"] = extra }
            spec["cluster"] = .object(info)
        }
        let value: JSONValue = ["apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": .object(spec)]
        return value.serialized()
    }
}
