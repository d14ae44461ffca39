import KubeModel

/// Resolves kinds to resources from the server's discovery documents (`/api/v1`,
/// `/apis/<group>/<version>`), read per group-version as needed and cached.
///
/// A kind that is not in the cached document makes discovery read that group-version again once,
/// so the CRDs a Promise installs at run time resolve without a restart. An actor because every
/// controller shares the cache.
public actor Discovery {
    private let transport: HTTPTransport
    private var cache: [GroupVersion: [APIResourceInfo]] = [:]

    init(transport: HTTPTransport) {
        self.transport = transport
    }

    /// The resource serving `kind`; ``ClientError/notFound(_:)`` when the server does not serve it.
    public func resource(for kind: GroupVersionKind) async throws(ClientError) -> APIResourceInfo {
        let groupVersion = kind.groupVersion
        let wasCached = cache[groupVersion] != nil
        if let found = try await resources(in: groupVersion).first(where: { $0.kind == kind.kind }) {
            return found
        }
        if wasCached {
            cache[groupVersion] = nil
            if let found = try await resources(in: groupVersion).first(where: { $0.kind == kind.kind }) {
                return found
            }
        }
        throw Self.noMatch(kind)
    }

    /// Every resource of a group-version (empty when the server does not serve it).
    public func resources(in groupVersion: GroupVersion) async throws(ClientError) -> [APIResourceInfo] {
        if let cached = cache[groupVersion] { return cached }
        let resources: [APIResourceInfo]
        do throws(ClientError) {
            let request = KubeRequest(method: .GET, path: ResourcePath.prefix(groupVersion))
            let response = try await transport.send(request)
            resources = APIResourceInfo.parse(resourceList: try KubeClient.json(from: response, request), groupVersion: groupVersion)
        } catch .notFound {
            // Not served (yet): not cached, so the next lookup asks again.
            return []
        }
        cache[groupVersion] = resources
        return resources
    }

    /// Forgets everything read, e.g. after CRDs were removed.
    public func invalidate() {
        cache.removeAll()
    }

    private static func noMatch(_ kind: GroupVersionKind) -> ClientError {
        .notFound(APIStatus(
            code: 404, reason: "NotFound",
            message: "no matches for kind \"\(kind.kind)\" in version \"\(kind.apiVersion)\"",
            details: .init(group: kind.group, kind: kind.kind)))
    }
}
