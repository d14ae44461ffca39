import ArgumentParser
import Foundation
import KratixAPI
import KubeModel

/// Checks YAML files offline, the way the controller will read them, before they reach a cluster.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check YAML files: syntax, and every Kratix object (Pipelines included) against its schema.")

    @Argument(help: "Files or directories (searched for *.yaml, *.yml, *.json); - reads standard input.")
    var paths: [String]

    func run() throws {
        var failures = 0
        var objects = 0
        for path in paths {
            for file in try ManifestFiles.expand(path) {
                do {
                    let documents = try ManifestFiles.read(file)
                    for document in documents {
                        objects += 1
                        if KratixObject.isKratixDocument(document.value) {
                            _ = try KratixObject.decode(document)
                        }
                    }
                } catch let error as ModelError {
                    failures += 1
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                }
            }
        }
        guard failures == 0 else {
            throw ValidationFailed(count: failures)
        }
        print("\(objects) object(s) valid")
    }
}

struct ValidationFailed: Error, CustomStringConvertible {
    var count: Int
    var description: String { "\(count) file(s) failed validation" }
}

/// Finds and reads manifest files the way `kubectl apply -f` does.
enum ManifestFiles {
    static func expand(_ path: String) throws -> [String] {
        if path == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such file or directory: \(path)")
        }
        guard isDirectory.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
                files.append((path as NSString).appendingPathComponent(relative))
            }
        }
        return files.sorted()
    }

    static func read(_ file: String) throws -> [YAMLDocument] {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            data = contents
        }
        return try YAMLReader.documents(in: [UInt8](data), source: file == "-" ? "<stdin>" : file)
    }
}
