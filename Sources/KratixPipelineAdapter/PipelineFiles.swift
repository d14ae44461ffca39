import Foundation
import KubeModel

/// Small file helpers shared by the adapter steps.
enum PipelineFiles {
    /// The text of `path`, or `nil` when there is no such file.
    static func readOptionalText(_ path: String) throws(PipelineAdapterError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineAdapterError(.io, file: path, message: "cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// One YAML document (`null` for an empty file); errors name the file and the line.
    static func yamlDocument(_ text: String, file: String) throws(PipelineAdapterError) -> JSONValue {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(in: text, source: file)
        } catch {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: error.message)
        }
        guard documents.count <= 1 else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "expected one YAML document, found \(documents.count)")
        }
        return documents.first?.value ?? .null
    }

    /// `a/b` joined as paths, with `root` allowed to end in `/`.
    static func join(_ root: String, _ path: String) -> String {
        if root.isEmpty { return path }
        if root.hasSuffix("/") { return root + path }
        return root + "/" + path
    }
}
