import KubeModel

/// Writes Destination documents to a GitOps state store (a Git repository or an S3 bucket).
/// (Being built: see issue 6.)
public protocol StateStoreWriter: Sendable {}
