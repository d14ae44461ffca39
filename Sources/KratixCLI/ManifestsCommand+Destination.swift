import ArgumentParser
import Foundation
import KratixAPI
import KubeClient
import KubeModel
import Logging

extension DestinationManifests.Agent: EnumerableFlag {
    static func help(for value: Self) -> ArgumentHelp? {
        switch value {
        case .flux: "Flux objects: a source and a Kustomization per directory (default)."
        case .argocd: "Argo CD Applications, one per directory (Git state stores only)."
        }
    }
}

extension ManifestsCommand {
    /// `kratix manifests destination NAME`: what a destination cluster applies to read its part of
    /// the state store, from the platform's API (`--kubeconfig`) or from flags alone.
    struct DestinationCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "destination",
            abstract: "Print what a destination cluster applies so its GitOps agent reads its part of the state store.",
            discussion: """
                With --kubeconfig, the Destination NAME and its state store are read from the platform's API; \
                their Secret is referenced by name, never printed. Without it, describe the store with \
                --git-url (and --branch) or --bucket and --endpoint; a Secret with placeholder values is printed \
                for you to fill in.
                """)

        @Argument(help: "The Destination's name.") var name: String
        @Flag var agent: DestinationManifests.Agent = .flux

        @Option(help: "Read the Destination and its state store from this cluster (the platform).") var kubeconfig: String?
        @Option(help: "The kubeconfig context to use (with --kubeconfig).") var context: String?

        @Option(help: "Without --kubeconfig: the Destination's spec.path (default: NAME).") var path: String?
        @Option(name: .customLong("git-url"), help: "Without --kubeconfig: the GitStateStore's URL.") var gitURL: String?
        @Option(help: "Without --kubeconfig: the GitStateStore's branch (default: main).") var branch: String?
        @Option(help: "Without --kubeconfig: the BucketStateStore's bucket name.") var bucket: String?
        @Option(help: "Without --kubeconfig: the BucketStateStore's endpoint (host[:port], no scheme).") var endpoint: String?
        @Flag(help: "Without --kubeconfig: the bucket endpoint is plain HTTP (the BucketStateStore's insecure).") var insecure = false
        @Option(name: .customLong("store-path"), help: "Without --kubeconfig: the state store's spec.path (default: none).") var storePath: String?
        @Option(name: .customLong("filepath-mode"), help: "Without --kubeconfig: the Destination's spec.filepath.mode (nestedByMetadata, aggregatedYAML, none).")
        var filepathMode: String?
        @Flag(name: .customLong("no-secret"), help: "Without --kubeconfig: the store needs no credentials (a public repository).") var noSecret = false

        @Option(name: .customLong("secret-name"), help: "The credentials Secret to reference (default: the store's Secret name with --kubeconfig, else kratix-NAME-credentials).")
        var secretName: String?
        @Option(help: "Where the agent's objects go (default: flux-system, or argocd with --argocd).") var namespace: String?

        func validate() throws {
            if kubeconfig != nil {
                let storeFlags: [(String, Bool)] = [
                    ("--path", path != nil), ("--git-url", gitURL != nil), ("--branch", branch != nil), ("--bucket", bucket != nil),
                    ("--endpoint", endpoint != nil), ("--insecure", insecure), ("--store-path", storePath != nil),
                    ("--filepath-mode", filepathMode != nil), ("--no-secret", noSecret),
                ]
                if let given = storeFlags.first(where: { $0.1 }) {
                    throw ValidationError("\(given.0) describes the store without an API; with --kubeconfig the Destination and its state store are read from the API")
                }
                return
            }
            switch (gitURL, bucket) {
            case (nil, nil): throw ValidationError("give --kubeconfig, or describe the state store with --git-url or --bucket and --endpoint")
            case (.some, .some): throw ValidationError("--git-url and --bucket are two kinds of state store; give one")
            case (.some, nil):
                if endpoint != nil || insecure { throw ValidationError("--endpoint and --insecure are for a bucket store (--bucket)") }
            case (nil, .some):
                if endpoint == nil { throw ValidationError("--bucket needs --endpoint (host[:port] of the S3 API)") }
                if branch != nil { throw ValidationError("--branch is for a Git store (--git-url)") }
            }
            if noSecret, secretName != nil { throw ValidationError("--no-secret and --secret-name contradict each other") }
            if let filepathMode, FilepathMode(rawValue: filepathMode) == nil {
                throw ValidationError("--filepath-mode must be nestedByMetadata, aggregatedYAML or none, not \"\(filepathMode)\"")
            }
        }

        func run() async throws {
            print(try await manifests().yaml(), terminator: "")
        }

        func manifests() async throws -> DestinationManifests {
            let namespace = namespace ?? agent.defaultNamespace
            if let kubeconfig {
                var configuration = try ClientConfiguration.load(kubeconfig: kubeconfig, context: context)
                configuration.userAgent = "kratix-manifests/\(KratixVersion.current)"
                let client = try KubeClient(configuration: configuration, logger: Logger(label: "kratix.manifests"))
                do {
                    let manifests = try await DestinationManifests.fromCluster(
                        client: client, destination: name, agent: agent, namespace: namespace, secretName: secretName)
                    try await client.shutdown()
                    return manifests
                } catch {
                    try? await client.shutdown()
                    throw error
                }
            }
            return DestinationManifests.fromFlags(
                name: name, agent: agent, namespace: namespace, path: path, gitURL: gitURL, branch: branch, bucket: bucket,
                endpoint: endpoint, insecure: insecure, storePath: storePath, filepathMode: filepathMode.flatMap(FilepathMode.init(rawValue:)),
                secretName: noSecret ? nil : (secretName ?? "kratix-\(name)-credentials"))
        }
    }
}

extension DestinationManifests {
    /// The flag path: the store as described on the command line. An SSH URL (`ssh://…` or the scp
    /// form `user@host:path`) asks for an SSH key Secret; anything else for basic auth.
    static func fromFlags(name: String, agent: Agent, namespace: String, path: String?, gitURL: String?, branch: String?,
                          bucket: String?, endpoint: String?, insecure: Bool, storePath: String?, filepathMode: FilepathMode?,
                          secretName: String?) -> DestinationManifests {
        let store: Store
        if let gitURL {
            let ssh = gitURL.hasPrefix("ssh://") || (!gitURL.contains("://") && gitURL.contains("@"))
            store = .git(url: gitURL, branch: branch ?? "main", ssh: ssh)
        } else {
            store = .bucket(bucketName: bucket ?? "", endpoint: endpoint ?? "", insecure: insecure, iam: false)
        }
        return DestinationManifests(
            destinationName: name, destinationPath: path ?? name, storePath: storePath ?? "", filepathMode: filepathMode ?? .nestedByMetadata,
            store: store, agent: agent, namespace: namespace,
            credentials: secretName.map { .placeholder(secretName: $0) } ?? .none)
    }
}
