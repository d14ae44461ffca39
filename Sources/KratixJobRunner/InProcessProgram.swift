import KubeClient

/// A program the runner runs inside its own process in place of starting a container's: the
/// pipeline adapter's steps (`<kratix> pipeline-adapter reader|work-creator|update-status`), which
/// every workflow pod runs three times, cost a process start and a TLS handshake each otherwise.
/// The pod and its container statuses and logs are written exactly as for a process.
///
/// Only for programs this project ships (a user's pipeline code always runs as its own process, in
/// its own mount namespace). The program reaches the pod's volumes through ``InProcessContainer/mounts``.
public struct InProcessProgram: Sendable {
    /// The resolved command line it stands in for (`[<kratix>, "pipeline-adapter"]`): a container
    /// whose command starts with these words runs in process.
    public var commandPrefix: [String]
    /// Runs the container; returns its exit code.
    public var run: @Sendable (InProcessContainer) async -> Int32

    public init(commandPrefix: [String], run: @escaping @Sendable (InProcessContainer) async -> Int32) {
        self.commandPrefix = commandPrefix
        self.run = run
    }
}

/// What an ``InProcessProgram`` gets of its container.
public struct InProcessContainer: Sendable {
    /// The runner's client, for the program to act as the pod's service account through
    /// (`KubeClient.impersonating`); nil when the executor runs without an API server.
    public var client: KubeClient?
    /// The command line after ``InProcessProgram/commandPrefix``.
    public var arguments: [String]
    /// The container's environment, resolved as for a process.
    public var environment: [String: String]
    public var pod: PodIdentity
    /// The pod's service account, whose permissions the program should have.
    public var serviceAccount: String
    /// The container's volume mounts: mount point → where it is on the host.
    public var mounts: [String: String]
    /// Appends to the container's log.
    public var log: @Sendable (String) async -> Void
}
