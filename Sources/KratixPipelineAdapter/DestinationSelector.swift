import KubeModel

/// One entry of `/kratix/metadata/destination-selectors.yaml`: where the files of one top-level
/// output directory (or, for `.`, of the rest) may be scheduled.
public struct DestinationSelector: Sendable, Equatable {
    /// Cleaned: `""` and `./` are `.`, `baz/` is `baz`.
    public var directory: String
    public var matchLabels: [String: String]

    public init(directory: String = ".", matchLabels: [String: String]) {
        self.directory = directory
        self.matchLabels = matchLabels
    }

    /// Parses and validates the file (§6.3 step 1): a list of `{directory?, matchLabels}`, every
    /// entry with labels, no directory twice, each directory a single top-level name.
    public static func parseList(_ text: String, file: String) throws(PipelineAdapterError) -> [DestinationSelector] {
        let value = try PipelineFiles.yamlDocument(text, file: file)
        if value.isNull { return [] }
        guard let list = value.arrayValue else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "expected a list, found \(value.typeName)")
        }
        var out: [DestinationSelector] = []
        var seen = Set<String>()
        for (index, entry) in list.enumerated() {
            let at = "[\(index)]"
            guard let object = entry.objectValue else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(at): expected a map, found \(entry.typeName)")
            }
            var directory = "."
            if let raw = object["directory"], !raw.isNull {
                guard let text = raw.stringValue else {
                    throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(at).directory: expected string, found \(raw.typeName)")
                }
                directory = GoPath.clean(text)
            }
            let labels = try stringMap(object["matchLabels"], field: "\(at).matchLabels", file: file)
            guard !labels.isEmpty else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(at): matchLabels must not be empty")
            }
            guard !directory.contains("/") else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file,
                                           message: "\(at).directory: \"\(directory)\" is nested; only top-level directories can be scheduled")
            }
            guard directory != ".." else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file,
                                           message: "\(at).directory: \"..\" escapes the output directory")
            }
            guard seen.insert(directory).inserted else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file,
                                           message: "\(at).directory: \"\(directory)\" is listed more than once")
            }
            out.append(DestinationSelector(directory: directory, matchLabels: labels))
        }
        return out
    }

    static func stringMap(_ value: JSONValue?, field: String, file: String) throws(PipelineAdapterError) -> [String: String] {
        guard let value, !value.isNull else { return [:] }
        guard let object = value.objectValue else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(field): expected a map, found \(value.typeName)")
        }
        var out: [String: String] = [:]
        for (key, member) in object {
            switch member {
            case .string(let s): out[key] = s
            // Label values are always strings; an unquoted `true` or `3` is taken as its text.
            case .bool(let b): out[key] = b ? "true" : "false"
            case .int(let i): out[key] = String(i)
            default:
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "\(field).\(key): expected string, found \(member.typeName)")
            }
        }
        return out
    }
}
