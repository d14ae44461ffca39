/// The program and arguments of a container, combined as Kubernetes combines them with the image.
///
/// A container `command` replaces the image's ENTRYPOINT and drops its CMD; `args` alone keep the
/// ENTRYPOINT and replace the CMD. `$(VAR)` references are expanded from the container's environment,
/// and a first word that names a program inside the image (`/bin/pipeline-adapter`) is replaced by
/// the host program the image map gives for it.
struct ContainerCommand: Sendable, Equatable {
    var argv: [String]

    enum ResolutionError: Error, Equatable {
        case empty
    }

    static func resolve(
        command: [String]?, args: [String]?, image: ImageMap.Entry, environment: [String: String]
    ) throws(ResolutionError) -> ContainerCommand {
        let lookup: (String) -> String? = { environment[$0] }
        var argv: [String]
        if let command, !command.isEmpty {
            argv = command.map { VariableExpansion.expand($0, lookup) } + (args ?? []).map { VariableExpansion.expand($0, lookup) }
        } else if let args, !args.isEmpty {
            argv = image.command + args.map { VariableExpansion.expand($0, lookup) }
        } else {
            argv = image.command + image.args
        }
        guard let first = argv.first else { throw .empty }
        if let replacement = image.commands[first], !replacement.isEmpty {
            argv = replacement + argv.dropFirst()
        }
        return ContainerCommand(argv: argv)
    }
}
