/// The image that runs Kratix's own steps (reader, work-writer, status-writer) in every workflow
/// Job, and the pull secret for it.
///
/// Upstream reads both from the controller's environment (fed from the ConfigMap
/// `kratix-platform-pipeline-adapter-config`), so the same variables work here.
public struct PipelineAdapterImage: Sendable, Equatable {
    public static let imageVariable = "PIPELINE_ADAPTER_IMG"
    public static let pullSecretVariable = "PIPELINE_ADAPTER_PULL_SECRET"
    /// The image this build ships (`manifests/config/pipeline-adapter-config.yaml` names the same).
    public static let defaultImage = "ghcr.io/kratix-swift/kratix:0.1.0"
    /// The adapter binary inside the image; it picks its role from its first argument.
    public static let command = "/bin/pipeline-adapter"

    public var image: String
    /// Listed first in every Job's `imagePullSecrets` when set.
    public var pullSecret: String?

    public init(image: String = PipelineAdapterImage.defaultImage, pullSecret: String? = nil) {
        self.image = image
        self.pullSecret = pullSecret
    }

    /// The image and pull secret named by the environment; empty values count as unset.
    public init(environment: [String: String]) {
        let image = environment[Self.imageVariable] ?? ""
        let secret = environment[Self.pullSecretVariable] ?? ""
        self.init(image: image.isEmpty ? Self.defaultImage : image, pullSecret: secret.isEmpty ? nil : secret)
    }
}
