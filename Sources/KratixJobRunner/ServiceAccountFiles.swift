import Foundation
import KubeModel

/// The service account credentials a pod gets, as files: `token`, `ca.crt` and `namespace` (mounted
/// at ``mountPath``, where in-cluster clients look) and a kubeconfig naming the same server and token.
struct ServiceAccountFiles: Sendable {
    static let mountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
    /// What the kubelet asks for is an hour; pipelines (Terraform) can run longer, and there is no
    /// rotation here, so the token lives a day.
    static let tokenLifetimeSeconds: Int64 = 86_400

    /// The directory bind-mounted at ``mountPath``.
    var directory: String
    /// The kubeconfig file `KUBECONFIG` points at.
    var kubeconfigPath: String

    /// Writes the files for `serviceAccount` into `podDirectory`; the kubeconfig goes to
    /// `kubeconfig.host` (seen by containers at `kubeconfig.container`) when given. The token and the
    /// kubeconfig are 0600, owned by `owner` (a confined container's host id) when given, so only
    /// the container's user reads them.
    static func write(
        podDirectory: String, namespace: String, serviceAccount: String, endpoint: APIServerEndpoint,
        source: any PodDataSource, kubeconfig: (host: String, container: String)? = nil, owner: UInt32? = nil
    ) async throws(ContainerStartError) -> ServiceAccountFiles {
        let token: String
        do {
            token = try await source.serviceAccountToken(
                namespace: namespace, serviceAccount: serviceAccount, audiences: [], expirationSeconds: tokenLifetimeSeconds)
        } catch {
            throw .config("cannot get a token for service account \"\(serviceAccount)\" in namespace \(namespace): \(error)")
        }
        let directory = podDirectory + "/serviceaccount"
        let kubeconfigPath = kubeconfig?.host ?? podDirectory + "/kubeconfig"
        var cluster: JSONObject = ["server": .string(endpoint.url)]
        if let ca = endpoint.caCertificatePEM, !ca.isEmpty {
            cluster["certificate-authority-data"] = .string(Data(ca.utf8).base64EncodedString())
        }
        if endpoint.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
        let kubeconfigDocument: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": "kratix-runner",
            "clusters": [["name": "kratix-runner", "cluster": .object(cluster)]],
            "users": [["name": .string("system:serviceaccount:\(namespace):\(serviceAccount)"), "user": ["token": .string(token)]]],
            "contexts": [[
                "name": "kratix-runner",
                "context": ["cluster": "kratix-runner", "user": .string("system:serviceaccount:\(namespace):\(serviceAccount)"), "namespace": .string(namespace)],
            ]],
        ]
        do {
            try FileSystem.createDirectory(directory, mode: 0o755)
            try FileSystem.writeFile(directory + "/token", Array(token.utf8), mode: 0o600, owner: owner)
            try FileSystem.writeFile(directory + "/ca.crt", Array((endpoint.caCertificatePEM ?? "").utf8), mode: 0o644)
            try FileSystem.writeFile(directory + "/namespace", Array(namespace.utf8), mode: 0o644)
            let kubeconfigDirectory = FileSystem.parent(of: kubeconfigPath)
            if kubeconfigDirectory != podDirectory {
                try FileSystem.createDirectory(kubeconfigDirectory, mode: 0o700, owner: owner)
            }
            try FileSystem.writeFile(kubeconfigPath, Array(YAMLWriter().write(kubeconfigDocument).utf8), mode: 0o600, owner: owner)
        } catch {
            throw .create("cannot write the service account files into \(podDirectory): \(error)")
        }
        return ServiceAccountFiles(directory: directory, kubeconfigPath: kubeconfig?.container ?? kubeconfigPath)
    }
}
