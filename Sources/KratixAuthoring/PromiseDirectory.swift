import Foundation
import KubeModel

/// A Promise's files on disk, flat (`promise.yaml`) or split (`api.yaml`, `dependencies.yaml`,
/// `workflows/<lifecycle>/<action>/workflow.yaml`), as the commands that edit one find them (R4).
public struct PromiseDirectory: Sendable {
    public var path: String

    public init(_ path: String) {
        self.path = path
    }

    public func file(_ name: String) -> String {
        path == "." ? name : (path as NSString).appendingPathComponent(name)
    }

    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: file(name))
    }

    /// Split when both `api.yaml` and `dependencies.yaml` exist (upstream's `filesGeneratedWithSplit`).
    public var isSplit: Bool { exists("api.yaml") && exists("dependencies.yaml") }

    public func read(_ name: String) throws(AuthoringError) -> String {
        guard let data = FileManager.default.contents(atPath: file(name)) else {
            throw AuthoringError("open \(file(name)): no such file or directory")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The first document of a file, `.null` for an empty one.
    public func document(_ name: String) throws(AuthoringError) -> JSONValue {
        try GoYAML.unmarshal(read(name), file: file(name)) ?? .null
    }

    public func write(_ name: String, _ contents: String) throws(AuthoringError) {
        let url = URL(fileURLWithPath: file(name))
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        } catch {
            throw AuthoringError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    public static let lifecycles = ["promise", "resource"]
    public static let actions = ["configure", "delete"]

    public static func workflowFile(_ lifecycle: String, _ action: String) -> String {
        "workflows/\(lifecycle)/\(action)/workflow.yaml"
    }

    /// `workflows` of a split Promise, from the workflow files that exist (upstream's `LoadWorkflows`).
    public func splitWorkflows() throws(AuthoringError) -> JSONValue {
        var workflows: JSONObject = [:]
        for lifecycle in Self.lifecycles {
            var actions: JSONObject = [:]
            for action in Self.actions where exists(Self.workflowFile(lifecycle, action)) {
                let pipelines = try document(Self.workflowFile(lifecycle, action))
                actions[action] = .array((pipelines.arrayValue ?? []).map(Self.typedPipeline))
            }
            workflows[lifecycle] = .object(actions)
        }
        return .object(workflows)
    }

    /// A Pipeline after `PipelinesToUnstructured`: its kind and apiVersion set.
    static func typedPipeline(_ pipeline: JSONValue) -> JSONValue {
        var pipeline = pipeline
        pipeline["kind"] = "Pipeline"
        pipeline["apiVersion"] = "platform.kratix.io/v1alpha1"
        return pipeline
    }

    /// The Promise with its workflows: `promise.yaml`, or (printing upstream's notice) a Promise
    /// holding only the split workflows.
    public func promiseWithWorkflows(notice: (String) -> Void) throws(AuthoringError) -> JSONValue {
        if exists("promise.yaml") { return try document("promise.yaml") }
        notice("No promise.yaml found, assuming --split was used to initialise the Promise")
        return ["spec": ["workflows": try splitWorkflows()]]
    }
}
