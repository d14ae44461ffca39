import KubeClient
import KubeModel

extension KubeClient {
    /// Deletes with background propagation; an object already gone is not an error.
    func deleteIfPresent(_ resource: GroupVersionResource, name: String, namespace: String? = nil) async throws(ClientError) {
        do {
            _ = try await delete(resource, name: name, namespace: namespace, options: DeleteOptions(propagationPolicy: .background))
        } catch {
            if case .notFound = error { return }
            throw error
        }
    }
}
