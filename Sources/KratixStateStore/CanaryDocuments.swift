import KratixAPI

/// The two "test documents" a Destination writes to prove its state store works (spec §5.5). In the
/// `nestedByMetadata` layout they are what makes `dependencies/` and `resources/` exist from the
/// start, so GitOps agents pointed at those paths do not fail on a missing directory.
public enum CanaryDocuments {
    /// The name in the canary's commit message (`Update from: kratix-canary`).
    public static let writerName = "kratix-canary"
    public static let namespaceFileName = "kratix-canary-namespace.yaml"
    public static let configMapFileName = "kratix-canary-configmap.yaml"

    /// Exact bytes upstream writes (sigs.k8s.io/yaml, sorted keys).
    public static let namespaceDocument = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kratix-worker-system
        spec: {}
        status: {}

        """

    public static let configMapDocument = """
        apiVersion: v1
        data:
          canary: this confirms your infrastructure is reading from Kratix state stores
        kind: ConfigMap
        metadata:
          name: kratix-info
          namespace: kratix-worker-system

        """

    /// Paths of the two files, relative to the store path, for a Destination path and layout.
    public static func paths(destinationPath: String, mode: FilepathMode) -> (namespace: String, configMap: String) {
        switch mode {
        case .nestedByMetadata:
            return (StorePath.join(destinationPath, "dependencies", namespaceFileName),
                    StorePath.join(destinationPath, "resources", configMapFileName))
        default:
            return (StorePath.join(destinationPath, namespaceFileName),
                    StorePath.join(destinationPath, configMapFileName))
        }
    }

    /// The write that creates (or refreshes) both files.
    public static func update(destinationPath: String, mode: FilepathMode) -> StateStoreUpdate {
        let p = paths(destinationPath: destinationPath, mode: mode)
        return StateStoreUpdate(name: writerName, files: [
            StateStoreFile(path: p.namespace, text: namespaceDocument),
            StateStoreFile(path: p.configMap, text: configMapDocument),
        ])
    }

    /// The write that removes both files (Destination deletion with `cleanup: all`).
    public static func removal(destinationPath: String, mode: FilepathMode) -> StateStoreUpdate {
        let p = paths(destinationPath: destinationPath, mode: mode)
        return StateStoreUpdate(name: writerName, deletions: [p.namespace, p.configMap])
    }
}
