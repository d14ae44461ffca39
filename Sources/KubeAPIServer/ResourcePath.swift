/// A parsed resource URL: `/api/v1/namespaces/ns/pods/name/log` and friends.
///
/// Parsing needs to know which resources exist, because `/api/v1/namespaces/x/status` is the status
/// of namespace `x` while `/api/v1/namespaces/x/pods` is the pods in namespace `x`.
struct ResourcePath: Equatable {
    var group: String
    var version: String
    var namespace: String?
    var resource: String
    var name: String?
    var subresource: String?
    /// The legacy `/watch/` path prefix.
    var legacyWatch = false

    /// `nil` when the path is not a resource path at all.
    static func parse(_ path: String, isNamespacedResource: (String, String, String) -> Bool) -> ResourcePath? {
        // Split as bytes, as kube-apiserver splits a path (and cheaper: every request comes here).
        var segments = path.utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
        guard let root = segments.first else { return nil }
        let group: String
        let version: String
        switch root {
        case "api":
            guard segments.count >= 2 else { return nil }
            group = ""
            version = segments[1]
            segments.removeFirst(2)
        case "apis":
            guard segments.count >= 3 else { return nil }
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        default:
            return nil
        }
        var legacyWatch = false
        if segments.first == "watch" {
            legacyWatch = true
            segments.removeFirst()
        }
        guard !segments.isEmpty else { return nil }
        var result = ResourcePath(group: group, version: version, namespace: nil, resource: "", name: nil, subresource: nil, legacyWatch: legacyWatch)
        if segments.count >= 3, segments[0] == "namespaces", isNamespacedResource(group, version, segments[2]) {
            result.namespace = segments[1]
            segments.removeFirst(2)
        }
        result.resource = segments[0]
        if segments.count > 1 { result.name = segments[1] }
        if segments.count > 2 { result.subresource = segments[2] }
        if segments.count > 3 { return nil }
        return result
    }
}
