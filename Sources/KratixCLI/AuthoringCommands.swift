import ArgumentParser
import Foundation
import KratixAuthoring
import KubeClient

/// `kratix add container`.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add workflow containers to a Promise.", subcommands: [Container.self])

    struct Container: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "container", abstract: "Adds a container to the named workflow.",
            discussion: "LIFECYCLE is promise or resource; ACTION is configure or delete.")

        @Argument(help: "LIFECYCLE/ACTION/PIPELINE-NAME") var pipeline: String
        @Option(name: [.customShort("i"), .long], help: "The image used by this container.") var image: String
        @Option(name: [.customShort("n"), .long], help: "The container name (default: from the image).") var name: String?
        @Option(name: [.customShort("d"), .long], help: "Directory to read promise.yaml from.") var dir = "."
        @Option(name: [.customShort("l"), .long], help: "Language of the pipeline script: bash, go or python.") var language = "bash"

        func run() async throws {
            let language = try ContainerAdder.Language(validating: language)
            let path = try PipelinePath(parsing: pipeline)
            let adder = ContainerAdder(directory: dir, path: path, image: image, name: name, language: language)
            for line in try adder.run() { print(line) }
        }
    }
}

/// `kratix update api|dependencies|destination-selector`.
struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Update a Promise's API, dependencies or destination selectors.",
        subcommands: [API.self, Dependencies.self, DestinationSelector.self])

    struct API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api", abstract: "Update the Promise API.")

        @Option(name: [.customShort("d"), .long], help: "Directory to read the Promise from.") var dir = "."
        @Option(name: [.customShort("g"), .long], help: "The API group.") var group: String?
        @Option(name: [.customShort("k"), .long], help: "The kind.") var kind: String?
        @Option(name: [.customShort("v"), .long], help: "The version.") var version: String?
        @Option(help: "The plural form of the kind.") var plural: String?
        @Option(name: [.customShort("p"), .customLong("property")], help: "a.b:type adds a property; a.b- removes it (repeatable).")
        var properties: [String] = []

        func run() async throws {
            let updater = APIUpdater(directory: dir, group: group, version: version, kind: kind, plural: plural, properties: properties)
            for line in try updater.run() { print(line) }
        }
    }

    struct Dependencies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dependencies", abstract: "Update the Promise's dependencies from a file or directory.")

        @Argument(help: "A file or directory of Kubernetes documents.") var path: String
        @Option(name: [.customShort("d"), .long], help: "Directory to read the Promise from.") var dir = "."
        @Option(name: [.customShort("i"), .long], help: "Ship the dependencies in a promise configure container with this image.")
        var image: String?

        func run() async throws {
            for line in try DependenciesUpdater(directory: dir, source: path, image: image).run() { print(line) }
        }
    }

    struct DestinationSelector: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "destination-selector", abstract: "Set (KEY=VALUE) or remove (KEY-) a destination selector label.")

        @Argument(help: "KEY=VALUE or KEY-") var selector: String
        @Option(name: [.customShort("d"), .long], help: "Directory to read the Promise from.") var dir = "."

        func run() async throws {
            for line in try DestinationSelectorUpdater(directory: dir, argument: selector).run() { print(line) }
        }
    }
}

/// `kratix build promise|container`.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build a Promise document or its workflow container images.", subcommands: [Promise.self, Container.self])

    struct Promise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "promise", abstract: "Build one Promise file from a Promise directory.")

        @Argument(help: "The Promise name.") var name: String
        @Option(name: [.customShort("d"), .long], help: "Directory to build the Promise from.") var dir = "."
        @Option(name: [.customShort("o"), .long], help: "File to write the Promise to (default: stdout).") var output: String?

        func run() async throws {
            let text = try PromiseBuilder(directory: dir, name: name).build { print($0) }
            if let output, !output.isEmpty {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(text)
            }
        }
    }

    struct Container: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "container", abstract: "Build a container image generated with 'add container'.",
            discussion: "Runs `<engine> build --tag <image> <dir>` (docker or podman, found on PATH; --buildx runs `<engine> buildx build`).")

        @Argument(help: "LIFECYCLE/ACTION/PIPELINE-NAME") var pipeline: String?
        @Option(name: [.customShort("n"), .long], help: "Name of the container to build.") var name: String?
        @Option(name: [.customShort("d"), .long], help: "Directory to read the Promise from.") var dir = "."
        @Flag(name: [.customShort("a"), .long], help: "Build every container of every workflow.") var all = false
        @Option(name: [.customShort("e"), .long], help: "The container engine: docker or podman.") var engine = "docker"
        @Flag(help: "Build with buildx.") var buildx = false
        @Option(name: .customLong("build-args"), help: "Extra arguments for the build command.") var buildArgs = ""
        @Flag(help: "Push the image after building it.") var push = false

        func run() async throws {
            let builder = ContainerBuilder(
                directory: dir, path: pipeline, name: name, all: all, engine: engine, buildx: buildx, buildArgs: buildArgs, push: push)
            do {
                _ = try builder.engineExecutable(path: ProcessInfo.processInfo.environment["PATH"])
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
            // Flushed before each engine run, which writes to the same stdout.
            try await builder.run(environment: ProcessInfo.processInfo.environment) {
                print($0)
                fflush(nil)
            }
        }
    }
}

/// `kratix platform get resources PROMISE`.
struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "platform", abstract: "Inspect the platform.", subcommands: [Get.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Display platform resources.", subcommands: [Resources.self])
    }

    struct Resources: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resources", abstract: "The requests of a Promise and their sub-requests.")

        @Argument(help: "The Promise name.") var promise: String
        @Option(help: "The kubeconfig file (else KUBECONFIG, ~/.kube/config, in-cluster).") var kubeconfig: String?
        @Option(help: "The kubeconfig context.") var context: String?
        @Option(name: [.customShort("n"), .long], help: "Accepted for kubectl's flag set; requests are listed in every namespace, as upstream lists them.")
        var namespace: String?

        func run() async throws {
            let client = try KubeClient(configuration: ClientConfiguration.load(kubeconfig: kubeconfig, context: context))
            do {
                let text = try await RequestTree.render(promise: promise, client: client)
                try? await client.shutdown()
                print(text, terminator: "")
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}

/// `kratix plugin list`.
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugin", abstract: "Provides utilities for interacting with plugins.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List all visible plugin executables on PATH.")

        func run() async throws {
            let builtins = Set(KratixCommand.configuration.subcommands.compactMap { $0.configuration.commandName })
            let listing = Plugins.list(path: ProcessInfo.processInfo.environment["PATH"], builtins: builtins)
            print(listing.output, terminator: "")
            FileHandle.standardError.write(Data(listing.warnings.utf8))
            if let error = listing.error { throw AuthoringError(error) }
        }
    }
}

/// The pipeline stages of operator and crossplane Promises, as upstream's images run them.
struct FromAPIToOperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-api-to-operator", abstract: "Pipeline stage: a request becomes an object of the operator's kind.",
        discussion: "Reads OPERATOR_GROUP, OPERATOR_VERSION, OPERATOR_KIND, KRATIX_INPUT_FILE and KRATIX_OUTPUT_FILE.")

    func run() async throws {
        try ClaimStage.operator_.run(environment: ProcessInfo.processInfo.environment)
    }
}

struct FromAPIToCrossplaneClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-api-to-crossplane-claim", abstract: "Pipeline stage: a request becomes a Crossplane claim (or XR).",
        discussion: "Reads XRD_GROUP, XRD_VERSION, XRD_KIND, KRATIX_INPUT_FILE and KRATIX_OUTPUT_FILE.")

    func run() async throws {
        try ClaimStage.crossplane.run(environment: ProcessInfo.processInfo.environment)
    }
}
