import ArgumentParser
import Foundation
import KratixAPI
import KubeModel

struct ManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests", abstract: "Print or write Kratix's install manifests.", subcommands: [CRDs.self, Install.self, DestinationCommand.self])

    struct CRDs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crds", abstract: "Print the CustomResourceDefinitions, or write one file per kind.")

        @Option(help: "Write platform.kratix.io_<plural>.yaml files into this directory instead of printing.")
        var output: String?

        func run() throws {
            guard let output else {
                print(KratixCRDs.all.map(KratixCRDs.yaml).joined(), terminator: "")
                return
            }
            let directory = URL(fileURLWithPath: output, isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for crd in KratixCRDs.all {
                let file = directory.appendingPathComponent(KratixCRDs.fileName(crd))
                try Data(KratixCRDs.yaml(crd).utf8).write(to: file, options: .atomic)
                print("wrote \(file.path)")
            }
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Print one install manifest, in apply order: CRDs, namespace, RBAC, config, Deployment, Services, webhooks (upstream's kratix.yaml).")

        @Option(help: "The controller and pipeline adapter image.") var image = InstallManifests.defaultImage
        @Option(help: "The namespace Kratix runs in.") var namespace = KratixGroup.systemNamespace

        func validate() throws {
            guard LabelValidation.isDNSLabel(namespace) else { throw ValidationError("--namespace must be a DNS label, not \"\(namespace)\"") }
            guard !image.isEmpty, !image.contains(where: \.isWhitespace) else { throw ValidationError("--image must be an image reference") }
        }

        func run() throws {
            print(try InstallManifests.yaml(image: image, namespace: namespace), terminator: "")
        }
    }
}
