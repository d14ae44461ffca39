import Foundation
import KubeModel

/// Reads Kubernetes documents to inline as Promise dependencies, as kratix-cli's
/// `buildDependencies` does for `init operator-promise` and `update dependencies`.
public enum DependencyReader {
    /// Every document of a file, or of every `.yaml`/`.yml` file under a directory (recursively,
    /// entries in name order as Go's `os.ReadDir` gives them). A document without a namespace gets
    /// `namespace: default`, cluster-scoped kinds included: upstream does, and its goldens show it.
    public static func documents(at path: String) throws(AuthoringError) -> [JSONValue] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AuthoringError("failed to stat dependency: \(path)")
        }
        var documents: [JSONValue] = []
        if !isDirectory.boolValue {
            documents = try namespacedDocuments(inFile: path)
        } else {
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            } catch {
                throw AuthoringError("failed to read dependency directory: \(path)")
            }
            if entries.isEmpty { throw AuthoringError("no files found in directory: \(path); nothing to update") }
            for entry in entries {
                let child = (path as NSString).appendingPathComponent(entry)
                var childIsDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory)
                if childIsDirectory.boolValue {
                    documents += try Self.documents(at: child)
                } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                    documents += try namespacedDocuments(inFile: child)
                }
            }
        }
        if documents.isEmpty { throw AuthoringError("no valid dependencies found in directory: \(path)") }
        return documents
    }

    static func namespacedDocuments(inFile path: String) throws(AuthoringError) -> [JSONValue] {
        let text = try readText(path, failure: "failed to open dependency file")
        let parsed: [JSONValue]
        do {
            parsed = try YAMLReader.documents(in: text, source: path).map(\.value)
        } catch {
            throw AuthoringError("failed to decode dependency file \(path): \(error)")
        }
        return parsed.map { document in
            var document = document
            if (document[path: ["metadata", "namespace"]]?.stringValue ?? "").isEmpty {
                document[path: ["metadata", "namespace"]] = "default"
            }
            return document
        }
    }

    /// Every document of a multi-document file as it is (crossplane's `--functions`/`--compositions`).
    public static func plainDocuments(inFile path: String) throws(AuthoringError) -> [JSONValue] {
        try GoYAML.documents(readText(path, failure: "failed to read file"), file: path)
    }

    static func readText(_ path: String, failure: String) throws(AuthoringError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuthoringError("\(failure) \(path): open \(path): no such file or directory")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
