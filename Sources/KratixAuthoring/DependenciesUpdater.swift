import Foundation
import KubeModel

/// `kratix update dependencies PATH` (§5.9): the documents under PATH inlined as the Promise's
/// dependencies, or (with `--image`) shipped in a promise configure container instead.
public struct DependenciesUpdater: Sendable {
    public var directory: PromiseDirectory
    public var source: String
    public var image: String?

    public static let containerName = "configure-deps"
    public static let pipelineScript = "#!/usr/bin/env sh\n\ncp /resources/* /kratix/output"

    public init(directory: String, source: String, image: String? = nil) {
        self.directory = PromiseDirectory(directory)
        self.source = source
        self.image = image.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Flat when `promise.yaml` exists and `dependencies.yaml` does not (upstream's `promiseFileMode`).
    var isFlat: Bool { directory.exists("promise.yaml") && !directory.exists("dependencies.yaml") }

    public func run() throws(AuthoringError) -> [String] {
        if let image { return try addAsWorkflow(image: image) }
        let documents = try DependencyReader.documents(at: source)
        if isFlat {
            try setInlineDependencies(documents)
            return ["Updated promise.yaml"]
        }
        try directory.write("dependencies.yaml", GoYAML.marshal(.array(documents)))
        return ["Updated dependencies.yaml"]
    }

    func setInlineDependencies(_ documents: [JSONValue]) throws(AuthoringError) {
        var promise = try directory.document("promise.yaml")
        promise[path: ["spec", "dependencies"]] = .array(documents)
        try directory.write("promise.yaml", GoYAML.marshal(GoTypedShape.promise(promise)))
    }

    func addAsWorkflow(image: String) throws(AuthoringError) -> [String] {
        let adder = ContainerAdder(
            directory: directory.path, path: PipelinePath(lifecycle: "promise", action: "configure", pipeline: "dependencies"),
            image: image, name: Self.containerName, language: .bash, overwrite: true)
        let file = try adder.addToWorkflow()
        try adder.writeScaffold()
        let containerDirectory = directory.file("workflows/promise/configure/dependencies/\(Self.containerName)")
        try Self.copy(source, into: containerDirectory + "/resources")
        try directory.write("workflows/promise/configure/dependencies/\(Self.containerName)/scripts/pipeline.sh", Self.pipelineScript)
        if isFlat {
            try setInlineDependencies([])
        } else {
            try? FileManager.default.removeItem(atPath: directory.file("dependencies.yaml"))
        }
        return [
            "generated the promise/configure/dependencies/\(Self.containerName) in \(file) ",
            "Dependencies added as a Promise workflow.",
            "Run the following command to build the dependencies image:",
            "\n  docker build -t \(image) \(containerDirectory)\n",
            "Don't forget to push the image to a registry!",
        ]
    }

    /// A file into `destination`, or a directory's contents (recursively).
    static func copy(_ source: String, into destination: String) throws(AuthoringError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw AuthoringError("failed to stat dependency: \(source)")
        }
        do {
            try manager.createDirectory(atPath: destination, withIntermediateDirectories: true)
            let entries = isDirectory.boolValue ? try manager.contentsOfDirectory(atPath: source).sorted() : [""]
            for entry in entries {
                let from = entry.isEmpty ? source : (source as NSString).appendingPathComponent(entry)
                let to = (destination as NSString).appendingPathComponent(entry.isEmpty ? (source as NSString).lastPathComponent : entry)
                if manager.fileExists(atPath: to) { try manager.removeItem(atPath: to) }
                try manager.copyItem(atPath: from, toPath: to)
            }
        } catch {
            throw AuthoringError("cannot copy \(source) to \(destination): \(error.localizedDescription)")
        }
    }
}
