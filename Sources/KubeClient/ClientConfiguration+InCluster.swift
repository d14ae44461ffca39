import Foundation

extension ClientConfiguration {
    /// The configuration of a pod: the API server from `KUBERNETES_SERVICE_HOST`/`PORT`, the service
    /// account's token (re-read when the kubelet rotates it), CA bundle and namespace.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(ClientError) -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw .configuration("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let tokenPath = serviceAccountDirectory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw .configuration("in-cluster configuration: the service account token \(tokenPath) cannot be read")
        }
        // An IPv6 address needs brackets in a URL.
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var configuration = ClientConfiguration(server: "https://\(hostPart):\(port)", credentials: .tokenFile(tokenPath))
        let caPath = serviceAccountDirectory + "/ca.crt"
        if FileManager.default.fileExists(atPath: caPath) {
            do {
                configuration.tls.caPEM = try String(contentsOfFile: caPath, encoding: .utf8)
            } catch {
                throw .configuration("in-cluster configuration: cannot read \(caPath) (\(Kubeconfig.reason(error)))")
            }
        }
        if let namespace = try? String(contentsOfFile: serviceAccountDirectory + "/namespace", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !namespace.isEmpty
        {
            configuration.defaultNamespace = namespace
        }
        return configuration
    }
}
