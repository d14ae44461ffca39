import KubeModel

/// The `.kratix/<namespace>-<name>.yaml` bookkeeping file of the `none` filepath mode (spec §7.4):
/// the store paths one WorkPlacement wrote, so a later write or the deletion removes exactly those
/// and nothing a co-tenant wrote to the same directory.
public struct WorkPlacementStateFile: Sendable, Equatable {
    /// Store-root-relative paths, Destination path included.
    public var files: [String]

    public init(files: [String]) { self.files = files }

    /// yaml.v2's layout: list items not indented under the key, `files: []` when empty.
    public func encoded() -> [UInt8] {
        Array(YAMLWriter().write(.object(["files": .array(files.map { .string($0) })])).utf8)
    }

    /// Reads a state file as upstream's lenient `yaml.Unmarshal` would: an empty file or a missing
    /// or null `files` key is an empty list; anything else that is not a list of strings is an error.
    public init(decoding bytes: [UInt8], path: String) throws(SchedulingError) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(in: bytes, source: path)
        } catch {
            throw SchedulingError(.stateFile(path: path, detail: error.description))
        }
        guard let document = documents.first else {
            self.files = []
            return
        }
        guard case .object(let object) = document.value else {
            throw SchedulingError(.stateFile(path: path, detail: "expected a mapping with a files list, found \(document.value.typeName)"))
        }
        switch object["files"] {
        case .none, .null?:
            self.files = []
        case .array(let items)?:
            var files: [String] = []
            for item in items {
                guard let text = item.stringValue else {
                    throw SchedulingError(.stateFile(path: path, detail: "files entries must be strings, found \(item.typeName)"))
                }
                files.append(text)
            }
            self.files = files
        case let other?:
            throw SchedulingError(.stateFile(path: path, detail: "files must be a list, found \(other.typeName)"))
        }
    }
}
