import KubeModel

/// One entry of the promise-scheduling file the controller mounts for the work-writer (§4.5): the
/// Promise's `destinationSelectors`, each with a `source`.
public struct PromiseSchedulingEntry: Sendable, Equatable {
    public var matchLabels: [String: String]
    /// `promise`, or the legacy `promise-workflow`.
    public var source: String

    public init(matchLabels: [String: String], source: String) {
        self.matchLabels = matchLabels
        self.source = source
    }

    /// Parses the file. Keys are matched case-insensitively, as upstream's reader does, because
    /// the controller writes `matchlabels` (Go yaml.v2's default).
    public static func parseList(_ text: String, file: String) throws(PipelineAdapterError) -> [PromiseSchedulingEntry] {
        let value = try PipelineFiles.yamlDocument(text, file: file)
        if value.isNull { return [] }
        guard let list = value.arrayValue else {
            throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "expected a list, found \(value.typeName)")
        }
        var out: [PromiseSchedulingEntry] = []
        for (index, entry) in list.enumerated() {
            guard let object = entry.objectValue else {
                throw PipelineAdapterError(.invalidPipelineOutput, file: file, message: "[\(index)]: expected a map, found \(entry.typeName)")
            }
            var labels: [String: String] = [:]
            var source = ""
            for (key, member) in object {
                switch key.lowercased() {
                case "matchlabels":
                    labels = try DestinationSelector.stringMap(member, field: "[\(index)].\(key)", file: file)
                case "source":
                    source = member.stringValue ?? ""
                default:
                    continue
                }
            }
            out.append(PromiseSchedulingEntry(matchLabels: labels, source: source))
        }
        return out
    }

    /// The labels of `entries` merged into one map; on a key clash the earlier entry wins.
    static func squash(_ entries: [PromiseSchedulingEntry]) -> [String: String] {
        var out: [String: String] = [:]
        for entry in entries.reversed() {
            for (key, value) in entry.matchLabels { out[key] = value }
        }
        return out
    }
}
