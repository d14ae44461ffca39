import Foundation
import KratixTerraform
import KubeModel

/// `kratix add container LIFECYCLE/ACTION/PIPELINE` (§5.8): a container appended to a Pipeline of
/// the Promise (or a new Pipeline), and its scaffold under `workflows/`.
public struct ContainerAdder: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case bash, go, python

        var fileExtension: String {
            switch self {
            case .bash: "sh"
            case .go: "go"
            case .python: "py"
            }
        }

        var dockerfile: String {
            switch self {
            case .bash: ContainerTemplates.bashDockerfile
            case .go: ContainerTemplates.goDockerfile
            case .python: ContainerTemplates.pythonDockerfile
            }
        }

        var script: String {
            switch self {
            case .bash: ContainerTemplates.bashScript
            case .go: ContainerTemplates.goScript
            case .python: ContainerTemplates.pythonScript
            }
        }

        public init(validating text: String) throws(AuthoringError) {
            guard let language = Language(rawValue: text) else {
                throw AuthoringError("invalid language: \(text) is not supported by the kratix cli")
            }
            self = language
        }
    }

    public var directory: PromiseDirectory
    public var path: PipelinePath
    public var image: String
    public var containerName: String
    public var language: Language
    /// Replace a container of the same name instead of failing (`update dependencies --image`).
    public var overwrite: Bool

    public init(directory: String, path: PipelinePath, image: String, name: String?, language: Language, overwrite: Bool = false) {
        self.directory = PromiseDirectory(directory)
        self.path = path
        self.image = image
        self.containerName = name.flatMap { $0.isEmpty ? nil : $0 } ?? Self.containerName(forImage: image)
        self.language = language
        self.overwrite = overwrite
    }

    /// upstream's `generateContainerName`: the image without its tag, `/` and `.` as `-`, trimmed of
    /// `-`; past 63 characters cut and suffixed with 7 hex digits of its SHA-1.
    public static func containerName(forImage image: String) -> String {
        var name = String(image.split(separator: ":", omittingEmptySubsequences: false).first ?? "")
        name = String(name.map { $0 == "/" || $0 == "." ? "-" : $0 })
        name = String(name.drop(while: { $0 == "-" }).reversed().drop(while: { $0 == "-" }).reversed())
        guard name.utf8.count > 63 else { return name }
        let suffix = String(SHA1.hex(Array(name.utf8)).prefix(7))
        var prefix = String(decoding: Array(name.utf8).prefix(63 - suffix.count - 1), as: UTF8.self)
        while prefix.hasSuffix("-") { prefix.removeLast() }
        return "\(prefix)-\(suffix)"
    }

    /// Adds the container; returns the lines upstream prints.
    public func run() throws(AuthoringError) -> [String] {
        let file = try addToWorkflow()
        let script = "\(path.workflowDirectory)/\(path.pipeline)/\(containerName)/scripts/pipeline.\(language.fileExtension)"
        var lines = ["generated the \(path)/\(containerName) in \(file) ", "Customise your container by editing \(script) "]
        if language == .go {
            lines.append("For go containers, run 'go mod init' and 'go mod tidy' to manage your script's dependencies")
        }
        lines.append("Don't forget to build and push your image!")
        return lines
    }

    /// The Pipeline list updated in `promise.yaml` or the split workflow file; returns the file's path.
    @discardableResult
    func addToWorkflow() throws(AuthoringError) -> String {
        try path.validate()
        let container: JSONValue = ["image": .string(image), "name": .string(containerName)]
        let split = directory.isSplit
        let fileName = split ? PromiseDirectory.workflowFile(path.lifecycle, path.action) : "promise.yaml"
        var promise: JSONValue = .null
        var pipelines: [JSONValue] = []
        if split {
            if directory.exists(fileName) { pipelines = try directory.document(fileName).arrayValue ?? [] }
        } else {
            promise = try directory.document(fileName)
            pipelines = promise[path: ["spec", "workflows", path.lifecycle, path.action]]?.arrayValue ?? []
        }
        pipelines = pipelines.map(PromiseDirectory.typedPipeline)
        if let index = pipelines.firstIndex(where: { $0[path: ["metadata", "name"]]?.stringValue == path.pipeline }) {
            var containers = pipelines[index][path: ["spec", "containers"]]?.arrayValue ?? []
            if let existing = containers.firstIndex(where: { $0["name"]?.stringValue == containerName }) {
                guard overwrite else {
                    throw AuthoringError("image '\(containerName)' already exists in Pipeline '\(path.pipeline)'")
                }
                containers[existing] = container
            } else {
                containers.append(container)
            }
            pipelines[index][path: ["spec", "containers"]] = .array(containers)
        } else {
            pipelines.append([
                "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Pipeline", "metadata": ["name": .string(path.pipeline)],
                "spec": ["containers": [container]],
            ])
        }
        let text: String
        if split {
            text = GoYAML.marshal(.array(pipelines))
        } else {
            promise[path: ["spec", "workflows", path.lifecycle, path.action]] = .array(pipelines)
            text = GoYAML.marshal(GoTypedShape.promise(promise))
        }
        try writeScaffold()
        try directory.write(fileName, text)
        return directory.file(fileName)
    }

    /// `Dockerfile`, `scripts/pipeline.<ext>` and an empty `resources/`.
    func writeScaffold() throws(AuthoringError) {
        let base = "\(path.workflowDirectory)/\(path.pipeline)/\(containerName)"
        try directory.write("\(base)/scripts/pipeline.\(language.fileExtension)", language.script)
        try directory.write("\(base)/Dockerfile", language.dockerfile)
        do {
            try FileManager.default.createDirectory(atPath: directory.file("\(base)/resources"), withIntermediateDirectories: true)
        } catch {
            throw AuthoringError("cannot create \(directory.file("\(base)/resources")): \(error.localizedDescription)")
        }
    }
}
