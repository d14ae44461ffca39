import KratixAPI

/// Why `kratix manifests destination` cannot print a destination's objects, in words that say what
/// to change (a flag, the Destination, its state store).
struct DestinationManifestsError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Reason: Sendable, Equatable {
        case destinationNotFound(String)
        case noStateStoreRef(destination: String)
        case stateStoreNotFound(kind: String, name: String)
        /// A field the agent needs is empty on the store (`spec.url`, `spec.bucketName`, `spec.endpoint`).
        case incompleteStateStore(kind: String, name: String, field: String)
        case argoCDNeedsGit(destination: String)
        case invalidObjectName(String)
        case invalidSecretName(String)
        case invalidNamespace(String)
        /// Reading the API failed (the client's message, which never carries a secret).
        case api(String)
    }

    var reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    var description: String {
        switch reason {
        case .destinationNotFound(let name):
            "Destination \"\(name)\" not found"
        case .noStateStoreRef(let destination):
            "Destination \"\(destination)\" has no spec.stateStoreRef"
        case .stateStoreNotFound(let kind, let name):
            "\(kind) \"\(name)\" not found (the Destination's spec.stateStoreRef)"
        case .incompleteStateStore(let kind, let name, let field):
            "\(kind) \"\(name)\" has no \(field), which the GitOps agent needs"
        case .argoCDNeedsGit(let destination):
            "Destination \"\(destination)\" is on a BucketStateStore; Argo CD reads Git repositories only (use --flux)"
        case .invalidObjectName(let name):
            "\"\(name)\" is not a valid object name (a DNS subdomain of at most 253 characters); choose a shorter Destination name"
        case .invalidSecretName(let name):
            "--secret-name \"\(name)\" is not a valid Secret name (a DNS subdomain)"
        case .invalidNamespace(let namespace):
            "--namespace \"\(namespace)\" is not a valid namespace (a DNS label)"
        case .api(let message):
            "reading the Destination and its state store: \(message)"
        }
    }
}
