import ArgumentParser

/// The `kratix` command: every part of Kratix for Swift in one binary.
public struct KratixCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kratix",
        abstract: "Kratix for Swift: a platform-engineering controller for Kubernetes.",
        discussion: """
            Platform teams publish Promises; application teams request resources from them; Kratix runs \
            the Promise's workflows and writes the results to GitOps state stores.
            """,
        version: KratixVersion.current,
        subcommands: [
            VersionCommand.self,
            ManagerCommand.self,
            APIServerCommand.self,
            RunnerCommand.self,
            DevCommand.self,
            PipelineAdapterCommand.self,
            InitCommand.self,
            TerraformGenerateCommand.self,
            HelmResourceConfigureCommand.self,
            PulumiGeneratorCommand.self,
            ManifestsCommand.self,
            ValidateCommand.self,
        ] + authoringCommands
    )

    public init() {}

    /// Runs the command line. When the binary is invoked as `pipeline-adapter` (the path Kratix
    /// workflow Jobs call, `/bin/pipeline-adapter`), the arguments are read as that subcommand's.
    public static func main(arguments: [String]) async {
        var args = Array(arguments.dropFirst())
        if let program = arguments.first, program.split(separator: "/").last == "pipeline-adapter" {
            args.insert("pipeline-adapter", at: 0)
        }
        runPluginIfNamed(args)
        await main(GoBoolFlags.normalize(args))
    }
}

/// The version of this build.
public enum KratixVersion {
    public static let current = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("kratix \(KratixVersion.current)")
    }
}

/// A command whose implementation has not landed yet: it keeps the fixed flags, and says so clearly.
struct NotYetImplemented: Error, CustomStringConvertible {
    var command: String
    var description: String { "'\(command)' is not implemented in this build yet." }
}
