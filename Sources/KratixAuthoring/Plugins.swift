import Foundation

/// kratix-cli plugins (§5.11): any executable `kratix-<name>` on PATH runs as `kratix <name>`,
/// `_` in the file name standing for `-` in the command (kubectl's scheme).
public enum Plugins {
    public static let prefix = "kratix-"

    /// What to run for `arguments` (the command line after `kratix`) when they name no built-in
    /// command: the longest `kratix-a_b-c` on PATH for the leading non-flag arguments, and the rest.
    /// `nil` when no plugin matches (the caller then reports the unknown command as usual).
    public static func resolve(_ arguments: [String], path: String?) throws(AuthoringError) -> (executable: String, arguments: [String])? {
        guard let first = arguments.first else { return nil }
        var names: [String] = []
        for argument in arguments {
            if argument.hasPrefix("-") { break }
            names.append(argument.replacingOccurrences(of: "-", with: "_"))
        }
        if names.isEmpty { throw AuthoringError("flags cannot be placed before plugin name: \(first)") }
        while !names.isEmpty {
            if let found = lookup(prefix + names.joined(separator: "-"), path: path) {
                return (found, Array(arguments.dropFirst(names.count)))
            }
            names.removeLast()
        }
        return nil
    }

    static func lookup(_ file: String, path: String?) -> String? {
        for directory in (path ?? "").split(separator: ":").map(String.init) where !directory.isEmpty {
            let candidate = (directory as NSString).appendingPathComponent(file)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    /// `kratix plugin list`: stdout, stderr, and the error to end with (nil when all is well).
    public struct Listing: Sendable, Equatable {
        public var output: String
        public var warnings: String
        public var error: String?
    }

    /// `builtins` are the top-level command names a plugin must not take over.
    public static func list(path: String?, builtins: Set<String>) -> Listing {
        var seenDirectories: Set<String> = []
        var plugins: [String] = []
        var warnings = ""
        for directory in (path ?? "").split(separator: ":").map(String.init) {
            guard !directory.trimmingCharacters(in: .whitespaces).isEmpty, seenDirectories.insert(directory).inserted else { continue }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries.sorted() where entry.hasPrefix(prefix) {
                let full = (directory as NSString).appendingPathComponent(entry)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                guard FileManager.default.isExecutableFile(atPath: full) else {
                    warnings += "Skipping plugin \"\(full)\" as it is not executable\n"
                    continue
                }
                plugins.append(full)
            }
        }
        var output = plugins.isEmpty ? "" : "The following compatible plugins are available:\n\n"
        var errors: [String] = []
        if plugins.isEmpty { errors.append("error: unable to find any kratix plugins in your PATH") }
        var seenCommands: [String: String] = [:]
        var warningCount = 0
        for plugin in plugins {
            let command = commandForm(plugin)
            output += command.padding(toLength: max(40, command.count), withPad: " ", startingAt: 0)
                + " (\((plugin as NSString).deletingLastPathComponent))\n"
            let base = (plugin as NSString).lastPathComponent
            if let other = seenCommands[base] {
                warnings += "  - warning: \(plugin) is overshadowed by a similarly named plugin: \(other)\n"
                warningCount += 1
            } else {
                seenCommands[base] = plugin
            }
            let words = command.split(separator: " ").dropFirst()
            if let top = words.first, words.count == 1, builtins.contains(String(top)) {
                warnings += "  - warning: \(base) overwrites existing command: \"kratix \(top)\"\n"
                warningCount += 1
            }
        }
        if warningCount == 1 { errors.append("error: one plugin warning was found") }
        if warningCount > 1 { errors.append("error: \(warningCount) plugin warnings were found") }
        return Listing(output: output, warnings: warnings, error: errors.isEmpty ? nil : errors.joined(separator: "\n"))
    }

    /// `kratix-foo_bar-baz` → `kratix foo-bar baz`.
    public static func commandForm(_ path: String) -> String {
        let base = (path as NSString).lastPathComponent
        let name = String(base.dropFirst(prefix.count))
        return "kratix " + name.split(separator: "-", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "_", with: "-") }
            .joined(separator: " ")
    }
}
