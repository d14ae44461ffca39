import KubeModel

/// `kratix build promise NAME` (§5.10): one Promise document from a flat or split directory.
public struct PromiseBuilder: Sendable {
    public var directory: PromiseDirectory
    public var name: String

    public init(directory: String, name: String) {
        self.directory = PromiseDirectory(directory)
        self.name = name
    }

    /// The Promise's YAML (R2), and the notice printed for a split directory.
    public func build(notice: (String) -> Void) throws(AuthoringError) -> String {
        var promise = try directory.promiseWithWorkflows(notice: notice)
        promise["kind"] = "Promise"
        promise["apiVersion"] = "platform.kratix.io/v1alpha1"
        promise[path: ["metadata", "name"]] = .string(name)
        if directory.exists("api.yaml") {
            let text = try directory.read("api.yaml")
            if !text.isEmpty, let crd = try GoYAML.unmarshal(text, file: directory.file("api.yaml")) {
                promise[path: ["spec", "api"]] = GoTypedShape.crd(crd)
            }
        }
        if directory.exists("dependencies.yaml") {
            let dependencies = try directory.document("dependencies.yaml")
            promise[path: ["spec", "dependencies"]] = dependencies.arrayValue.map { JSONValue.array($0) } ?? .null
        }
        return GoYAML.marshal(GoTypedShape.promise(promise))
    }
}
