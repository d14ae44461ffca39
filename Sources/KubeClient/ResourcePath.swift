import KubeModel

/// Where an object or collection lives in the API: `/api/v1/...` for the core group,
/// `/apis/<group>/<version>/...` otherwise, then `namespaces/<ns>/` for namespaced ones.
public struct ResourcePath: Sendable, Hashable, CustomStringConvertible {
    public var resource: GroupVersionResource
    /// `nil` for cluster-scoped resources, and for lists and watches across all namespaces.
    public var namespace: String?
    /// `nil` for the collection.
    public var name: String?
    public var subresource: String?

    public init(_ resource: GroupVersionResource, namespace: String? = nil, name: String? = nil, subresource: String? = nil) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    /// The group-version prefix: `/api/v1` or `/apis/platform.kratix.io/v1alpha1`.
    public static func prefix(_ groupVersion: GroupVersion) -> String {
        groupVersion.group.isEmpty ? "/api/\(groupVersion.version)" : "/apis/\(groupVersion.group)/\(groupVersion.version)"
    }

    /// The percent-encoded path.
    public var path: String {
        var path = Self.prefix(resource.groupVersion)
        if let namespace, !namespace.isEmpty {
            path += "/namespaces/" + PercentEncoding.pathSegment(namespace)
        }
        path += "/" + resource.resource
        if let name {
            path += "/" + PercentEncoding.pathSegment(name)
            if let subresource, !subresource.isEmpty { path += "/" + PercentEncoding.pathSegment(subresource) }
        }
        return path
    }

    public var description: String { path }
}
