import Foundation
import KubeModel

/// The stages log as Go's `log` package does (`2006/01/02 15:04:05 message` on stderr), so
/// output read by people and by upstream's tests looks the same.
public struct StageLog: Sendable {
    var write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data(line.utf8)) }) {
        self.write = write
    }

    func callAsFunction(_ message: String) { log(message) }

    public func log(_ message: String) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy/MM/dd HH:mm:ss"
        write("\(formatter.string(from: Date())) \(message)\n")
    }
}

/// A stage's input object, read as upstream's stages read it.
enum StageRequest {
    static func read(_ path: String) throws(AuthoringError) -> JSONObject {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuthoringError("failed to read object file from \(path): open \(path): no such file or directory")
        }
        let value: JSONValue
        do {
            value = try YAMLReader.singleDocument(in: String(decoding: data, as: UTF8.self), source: path)
        } catch {
            throw AuthoringError("failed to unmarshal object file: \(error)")
        }
        guard case .object(let object) = value else {
            throw AuthoringError("failed to unmarshal object file: expected an object, found \(value.typeName)")
        }
        return object
    }

    static func write(_ value: JSONValue, to path: String, kind: String) throws(AuthoringError) {
        do {
            try Data(YAMLWriter.goYAML.write(value).utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw AuthoringError("failed to write object file to \(path): \(error.localizedDescription)")
        }
    }
}
