import KubeModel

/// `vbucketstatestore-v1alpha1.kb.io` (revisions spec §4.4): an `accessKey` store (the default
/// method) must name its credentials Secret completely.
struct BucketStateStoreAdmission: AdmissionHandler {
    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        guard request.operation == .create || request.operation == .update, let store = request.object else { return .allow() }
        let spec = store.spec
        guard (spec?["authMethod"]?.stringValue ?? "accessKey") == "accessKey" else { return .allow() }
        guard let secretRef = spec?["secretRef"], !secretRef.isNull else {
            return .deny("spec.secretRef must be set when using authentication method accessKey")
        }
        if (secretRef["name"]?.stringValue ?? "").isEmpty { return .deny("spec.secretRef must contain secret name") }
        if (secretRef["namespace"]?.stringValue ?? "").isEmpty { return .deny("spec.secretRef must contain secret namespace") }
        return .allow()
    }
}
