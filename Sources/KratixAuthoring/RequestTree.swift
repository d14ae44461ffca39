import KubeClient
import KubeModel

/// `kratix platform get resources PROMISE` (§5.11): the Promise's requests in every namespace,
/// each with the sub-requests other Promises' requests point back to it with.
///
/// Upstream selects sub-requests with `kratix.io/component-of-promise-name=<--kind>` (a global
/// flag left empty, so nothing matches) and the `component-of-*` labels, which Kratix stopped
/// setting for `kratix.io/parent-*`. Here a sub-request is found by either set of labels, with the
/// Promise's own name in the `component-of-*` selector: the command shows what it says it shows.
public enum RequestTree {
    public static let componentOfPromise = "kratix.io/component-of-promise-name"
    public static let componentOfName = "kratix.io/component-of-resource-name"
    public static let componentOfNamespace = "kratix.io/component-of-resource-namespace"
    public static let parentName = "kratix.io/parent-resource-name"
    public static let parentNamespace = "kratix.io/parent-resource-namespace"
    public static let parentPromise = "kratix.io/parent-promise-name"

    static let promises = GroupVersionResource(group: "platform.kratix.io", version: "v1alpha1", resource: "promises")
    static let crds = GroupVersionResource(group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions")

    /// The text upstream prints.
    public static func render(promise name: String, client: KubeClient) async throws(AuthoringError) -> String {
        let promise: KubeObject?
        do {
            promise = try await client.getOptional(promises, name: name)
        } catch {
            throw AuthoringError("error getting promise: \(name) with error \"\(error)\"")
        }
        guard let promise else { throw AuthoringError("promise: \(name) not found") }
        guard let api = promise.spec?["api"], api.objectValue?.isEmpty == false, let resource = requestResource(api) else {
            throw AuthoringError("promise: \(name) contains no API")
        }
        let requests = try await list(resource, selector: nil, client: client)
        if requests.isEmpty { return "No requests found for promise \"\(name)\"\n" }
        let kratixResources = try await promiseResources(client: client)
        var out = ""
        for request in requests {
            let requestName = request.name ?? ""
            let namespace = (request.namespace ?? "").isEmpty ? "default" : request.namespace!
            out += "  - \(requestName)\n"
            let selectors = [
                ListOptions.selector([componentOfPromise: name, componentOfName: requestName, componentOfNamespace: namespace]),
                ListOptions.selector([parentName: requestName]),
            ]
            var seen: Set<String> = []
            for kratixResource in kratixResources {
                for selector in selectors {
                    for child in try await list(kratixResource, selector: selector, client: client) {
                        let labels = child.labels
                        if let parentNS = labels[parentNamespace], labels[componentOfName] == nil, parentNS != namespace { continue }
                        if let parent = labels[parentPromise], labels[componentOfName] == nil, parent != name { continue }
                        guard seen.insert("\(kratixResource)/\(child.namespace ?? "")/\(child.name ?? "")").inserted else { continue }
                        out += "    |\n    |--\(child.name ?? "")\n"
                    }
                }
            }
        }
        return out
    }

    /// The collection of the Promise's requests: its CRD's group, stored (else first) version and plural.
    static func requestResource(_ crd: JSONValue) -> GroupVersionResource? {
        guard let group = crd[path: ["spec", "group"]]?.stringValue, let plural = crd[path: ["spec", "names", "plural"]]?.stringValue,
            let versions = crd[path: ["spec", "versions"]]?.arrayValue, !versions.isEmpty
        else { return nil }
        let version = versions.first { $0["storage"]?.boolValue == true } ?? versions[0]
        return GroupVersionResource(group: group, version: version["name"]?.stringValue ?? "", resource: plural)
    }

    /// Every CRD a Promise installed (labelled `kratix.io/promise-name`), at its storage version.
    static func promiseResources(client: KubeClient) async throws(AuthoringError) -> [GroupVersionResource] {
        try await list(crds, selector: "kratix.io/promise-name", client: client).compactMap { crd in
            guard let group = crd.spec?["group"]?.stringValue, let plural = crd.spec?[path: ["names", "plural"]]?.stringValue,
                let storage = crd.spec?["versions"]?.arrayValue?.first(where: { $0["storage"]?.boolValue == true })?["name"]?.stringValue
            else { return nil }
            return GroupVersionResource(group: group, version: storage, resource: plural)
        }
    }

    static func list(_ resource: GroupVersionResource, selector: String?, client: KubeClient) async throws(AuthoringError) -> [KubeObject] {
        do {
            return try await client.listAll(resource, options: ListOptions(labelSelector: selector)).items
        } catch {
            throw AuthoringError("error listing resources \(resource.resource): \(error)")
        }
    }
}
