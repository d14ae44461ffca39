import ArgumentParser
import Foundation
import KratixAuthoring

/// kratix-cli's authoring commands (issue 19), kept in one list so `KratixCommand` stays short.
let authoringCommands: [any ParsableCommand.Type] = [
    AddCommand.self, UpdateCommand.self, BuildCommand.self, PlatformCommand.self, PluginCommand.self,
    FromAPIToOperatorCommand.self, FromAPIToCrossplaneClaimCommand.self,
]

/// The `init` commands of this part of kratix-cli.
let authoringInitCommands: [any ParsableCommand.Type] = [
    InitPromiseCommand.self, InitOperatorPromiseCommand.self, InitCrossplanePromiseCommand.self,
]

extension KratixCommand {
    /// kratix-cli's plugins: when the first argument names no built-in command, the longest
    /// `kratix-<words>` on PATH replaces this process (exec, as upstream), with the rest of the
    /// arguments. Returns when there is no such plugin, so the unknown command is reported as usual.
    static func runPluginIfNamed(_ arguments: [String]) {
        guard let first = arguments.first, first != "help" else { return }
        let builtins = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
        if builtins.contains(first) { return }
        // The root's own flags (help, version, completion scripts) are not plugin invocations; a
        // flag before an unknown command word is upstream's error.
        if first.hasPrefix("-") {
            if first.hasPrefix("--generate-completion") || ["--help", "-h", "--version", "--experimental-dump-help"].contains(first) { return }
            guard let word = arguments.first(where: { !$0.hasPrefix("-") }), !builtins.contains(word), word != "help" else { return }
        }
        let resolved: (executable: String, arguments: [String])?
        do {
            resolved = try Plugins.resolve(arguments, path: ProcessInfo.processInfo.environment["PATH"])
        } catch {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(1)
        }
        guard let resolved else { return }
        let argv = [resolved.executable] + resolved.arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(resolved.executable, cArguments)
        FileHandle.standardError.write(Data("Error: cannot run plugin \(resolved.executable): \(String(cString: strerror(errno)))\n".utf8))
        Foundation.exit(1)
    }
}
