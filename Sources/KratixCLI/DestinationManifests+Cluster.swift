import KratixAPI
import KubeClient
import KubeModel

extension DestinationManifests {
    /// The Destination `name` and its state store as the platform's API has them (`--kubeconfig`).
    /// The store's Secret is never read: the agent's Secret is referenced by `secretName` (the
    /// store's own Secret name unless given) and the store's Secret is only named in the header.
    static func fromCluster(client: KubeClient, destination name: String, agent: Agent, namespace: String,
                            secretName: String?) async throws(DestinationManifestsError) -> DestinationManifests {
        do {
            guard let destination = try await Api<Destination>(client: client).getOptional(name) else {
                throw DestinationManifestsError(.destinationNotFound(name))
            }
            guard let ref = destination.spec.stateStoreRef else { throw DestinationManifestsError(.noStateStoreRef(destination: name)) }
            let kind = ref.kind.rawValue
            let store: Store
            let storePath: String
            let storeSecret: SecretReference?
            let needsSecret: Bool
            switch ref.kind {
            case .gitStateStore:
                guard let git = try await Api<GitStateStore>(client: client).getOptional(ref.name) else {
                    throw DestinationManifestsError(.stateStoreNotFound(kind: kind, name: ref.name))
                }
                guard let url = git.spec.url, !url.isEmpty else {
                    throw DestinationManifestsError(.incompleteStateStore(kind: kind, name: ref.name, field: "spec.url"))
                }
                store = .git(url: url, branch: git.spec.effectiveBranch, ssh: git.spec.effectiveAuthMethod == .ssh)
                storePath = git.spec.path ?? ""
                storeSecret = git.spec.secretRef
                needsSecret = git.spec.secretRef != nil
            case .bucketStateStore:
                guard let bucket = try await Api<BucketStateStore>(client: client).getOptional(ref.name) else {
                    throw DestinationManifestsError(.stateStoreNotFound(kind: kind, name: ref.name))
                }
                guard let bucketName = bucket.spec.bucketName, !bucketName.isEmpty else {
                    throw DestinationManifestsError(.incompleteStateStore(kind: kind, name: ref.name, field: "spec.bucketName"))
                }
                guard let endpoint = bucket.spec.endpoint, !endpoint.isEmpty else {
                    throw DestinationManifestsError(.incompleteStateStore(kind: kind, name: ref.name, field: "spec.endpoint"))
                }
                let iam = bucket.spec.effectiveAuthMethod == .iam
                store = .bucket(bucketName: bucketName, endpoint: endpoint, insecure: bucket.spec.usesPlainHTTP, iam: iam)
                storePath = bucket.spec.path ?? ""
                storeSecret = bucket.spec.secretRef
                needsSecret = !iam
            }
            let platformSecret = storeSecret.flatMap { ref -> String? in
                guard let name = ref.name, !name.isEmpty else { return nil }
                let namespace = ref.namespace ?? ""
                return "\(namespace.isEmpty ? "default" : namespace)/\(name)"
            }
            // An explicit --secret-name is always referenced; otherwise the store's Secret name, when
            // the store authenticates with one.
            let credentials: Credentials
            if let secretName, !secretName.isEmpty {
                credentials = .existing(secretName: secretName, platformSecret: platformSecret)
            } else if needsSecret, let storeSecretName = storeSecret?.name, !storeSecretName.isEmpty {
                credentials = .existing(secretName: storeSecretName, platformSecret: platformSecret)
            } else {
                credentials = .none
            }
            return DestinationManifests(
                destinationName: name, destinationPath: destination.spec.path ?? "", storePath: storePath,
                filepathMode: destination.spec.filepathMode, store: store, agent: agent, namespace: namespace, credentials: credentials)
        } catch let error as DestinationManifestsError {
            throw error
        } catch {
            throw DestinationManifestsError(.api(String(describing: error)))
        }
    }
}
