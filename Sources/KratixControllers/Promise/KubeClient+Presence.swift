import KubeClient
import KubeModel

extension KubeClient {
    /// The object, or `nil` when it does not exist (other errors are thrown).
    func getIfPresent(_ resource: GroupVersionResource, name: String, namespace: String? = nil) async throws(ClientError) -> KubeObject? {
        do {
            return try await get(resource, name: name, namespace: namespace)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    /// Deletes with background propagation; an object already gone is not an error.
    func deleteIfPresent(_ resource: GroupVersionResource, name: String, namespace: String? = nil) async throws(ClientError) {
        do {
            _ = try await delete(resource, name: name, namespace: namespace, options: DeleteOptions(propagationPolicy: .background))
        } catch {
            if case .notFound = error { return }
            throw error
        }
    }

    /// Runs a write whose conflict means "someone else changed it; come back soon": true when it went through.
    func succeeds(_ write: () async throws -> Void) async -> Bool {
        do {
            try await write()
            return true
        } catch {
            return false
        }
    }
}
