import KubeModel

/// What discovery says about one resource: where it lives, whether it is namespaced, what it allows.
public struct APIResourceInfo: Sendable, Hashable {
    public var resource: GroupVersionResource
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    /// Subresource names, e.g. `status`, `scale`.
    public var subresources: [String]

    public init(resource: GroupVersionResource, kind: String, namespaced: Bool, verbs: [String], subresources: [String] = []) {
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.verbs = verbs
        self.subresources = subresources
    }

    public var groupVersionKind: GroupVersionKind {
        GroupVersionKind(group: resource.group, version: resource.version, kind: kind)
    }

    /// Reads an `APIResourceList`: subresource entries (`promises/status`) fold into their resource.
    public static func parse(resourceList value: JSONValue, groupVersion: GroupVersion) -> [APIResourceInfo] {
        var resources: [APIResourceInfo] = []
        var subresources: [String: [String]] = [:]
        for entry in value["resources"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, !name.isEmpty else { continue }
            let parts = name.split(separator: "/", maxSplits: 1)
            if parts.count == 2 {
                subresources[String(parts[0]), default: []].append(String(parts[1]))
                continue
            }
            resources.append(APIResourceInfo(
                resource: GroupVersionResource(group: groupVersion.group, version: groupVersion.version, resource: name),
                kind: entry["kind"]?.stringValue ?? "",
                namespaced: entry["namespaced"]?.boolValue ?? false,
                verbs: (entry["verbs"]?.arrayValue ?? []).compactMap(\.stringValue)))
        }
        for index in resources.indices {
            resources[index].subresources = subresources[resources[index].resource.resource] ?? []
        }
        return resources
    }
}
