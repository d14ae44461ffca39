import Foundation

/// The markdown a DryRun writes (revisions spec §2.4): per pipeline, what the preview would add,
/// change and remove against the live request's output, with a line diff of each changed file.
/// The text is upstream's, byte for byte, so tools that read the summary keep working.
struct DryRunSummary: Sendable, Equatable {
    /// One pipeline's files: proposed (the dry run's Work) and live (the live request's Work with
    /// the same pipeline label), by `filepath`.
    struct Pipeline: Sendable, Equatable {
        var name: String
        var proposed: [String: String]
        var live: [String: String]
    }

    var pipelines: [Pipeline]

    /// The document, or nil when there is nothing to say (no pipelines: no summary is written).
    var document: String? {
        guard !pipelines.isEmpty else { return nil }
        let sections = pipelines.sorted { $0.name < $1.name }.map { "## Pipeline: `\($0.name)`\n\n" + Self.section($0) }
        return "# Kratix Dry Run Summary\n\n" + sections.joined(separator: "\n---\n\n")
    }

    static func section(_ pipeline: Pipeline) -> String {
        let added = pipeline.proposed.keys.filter { pipeline.live[$0] == nil }.sorted()
        let removed = pipeline.live.keys.filter { pipeline.proposed[$0] == nil }.sorted()
        let modified = pipeline.proposed.keys.filter { path in pipeline.live[path].map { $0 != pipeline.proposed[path] } ?? false }.sorted()
        var out = "**\(added.count) added · \(modified.count) modified · \(removed.count) removed**\n"
        if added.isEmpty && modified.isEmpty && removed.isEmpty { return out + "\nNo changes.\n" }
        for path in added {
            out += "\n---\n\n## ➕ Added: `\(path)`\n\n```yaml\n\(trimmed(pipeline.proposed[path] ?? ""))\n```\n"
        }
        for path in modified {
            out += "\n---\n\n## ✏️ Modified: `\(path)`\n\n```diff\n--- a/\(path)\n+++ b/\(path)\n"
                + lineDiff(from: pipeline.live[path] ?? "", to: pipeline.proposed[path] ?? "") + "```\n"
        }
        for path in removed {
            out += "\n---\n\n## 🗑️ Removed: `\(path)`\n\n```yaml\n\(trimmed(pipeline.live[path] ?? ""))\n```\n"
        }
        return out
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("\n") { text = text.dropLast() }
        return String(text)
    }

    /// The whole file, each line prefixed with `-`, `+` or a space (a Myers diff by lines, as
    /// diff-match-patch's line mode; removals before insertions at the same place).
    static func lineDiff(from old: String, to new: String) -> String {
        let a = lines(old), b = lines(new)
        let difference = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var out = "", i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                out += "-" + a[i] + "\n"
                i += 1
            } else if j < b.count, inserted.contains(j) {
                out += "+" + b[j] + "\n"
                j += 1
            } else {
                if i < a.count { out += " " + a[i] + "\n" }
                i += 1
                j += 1
            }
        }
        return out
    }

    /// Lines without their newlines; a final newline ends the last line rather than starting one.
    static func lines(_ text: String) -> [String] {
        var parts = text.components(separatedBy: "\n")
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
