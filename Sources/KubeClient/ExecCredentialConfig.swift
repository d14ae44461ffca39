import KubeModel

/// A kubeconfig `user.exec` stanza: a program that prints an `ExecCredential` (client-go's
/// credential plugin protocol, `client.authentication.k8s.io/v1` or `v1beta1`).
public struct ExecCredentialConfig: Sendable, Equatable, CustomStringConvertible {
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    public var apiVersion: String
    /// The program; a relative path with a `/` is resolved against the kubeconfig's directory.
    public var command: String
    public var args: [String]
    /// Added to the client's environment (pairs, in order, as in the kubeconfig).
    public var env: [ExecEnvVar]
    /// Shown when the program cannot be found.
    public var installHint: String?
    /// Pass the cluster's server and CA to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`. A controller has no terminal, so `Always` fails.
    public var interactiveMode: String?
    /// The cluster's `extensions[client.authentication.k8s.io/exec]`, passed on as `spec.cluster.config`.
    public var clusterConfig: JSONValue?

    public init(
        apiVersion: String, command: String, args: [String] = [], env: [ExecEnvVar] = [], installHint: String? = nil,
        provideClusterInfo: Bool = false, interactiveMode: String? = nil, clusterConfig: JSONValue? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.clusterConfig = clusterConfig
    }

    public static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// The command only: arguments and environment may hold secrets.
    public var description: String { "exec \(command)" }
}

/// One `name`/`value` pair of an exec plugin's environment.
public struct ExecEnvVar: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
