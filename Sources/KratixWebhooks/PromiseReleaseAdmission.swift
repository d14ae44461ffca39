import KratixAPI
import KratixControllers
import KubeClient
import KubeModel
import KubeRuntime

/// `vpromiserelease.kb.io` (revisions spec §4.5): on create the release's URL is fetched (as
/// upstream does, a network call at admission) and its version label compared with `spec.version`.
struct PromiseReleaseAdmission: AdmissionHandler {
    let reader: any ObjectReader
    let fetcher: any PromiseFetching

    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        guard request.operation == .create || request.operation == .update, let release = request.object else { return .allow() }
        let source = release.spec?["sourceRef"]
        let url = source?["url"]?.stringValue ?? ""
        guard !url.isEmpty else { return .deny("sourceRef.url must be set") }
        guard request.operation == .create else { return .allow() }
        var authorization: String?
        if let secretName = source?["secretRef"]?["name"]?.stringValue, !secretName.isEmpty {
            let namespace = source?["secretRef"]?["namespace"]?.stringValue ?? release.namespace ?? "default"
            do {
                guard let secret = try await reader.get(.secrets, name: secretName, namespace: namespace) else {
                    return .deny("failed to fetch data from secretRef: secrets \"\(secretName)\" not found")
                }
                authorization = SecretValues.decode(secret)["authorizationHeader"].map { String(decoding: $0, as: UTF8.self) } ?? ""
            } catch {
                return .deny("failed to fetch data from secretRef: \(error)")
            }
        }
        let promise: Promise
        do {
            promise = try await fetcher.fetchPromise(from: url, authorization: authorization)
        } catch {
            return .deny("failed to fetch promise: \(error)")
        }
        guard let label = promise.metadata.label(KratixLabels.promiseVersion) else {
            return .allow(warnings: ["version label (\(KratixLabels.promiseVersion)) not found on promise, installation will fail"])
        }
        let expected = release.spec?["version"]?.stringValue ?? ""
        if label != expected {
            return .allow(warnings: ["version labels do not match, found: \(label), expected: \(expected), installation will fail"])
        }
        return .allow()
    }
}
