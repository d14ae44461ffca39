import ArgumentParser
import Foundation
import KratixAPI
import KubeModel

struct ManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests", abstract: "Print or write Kratix's install manifests.", subcommands: [CRDs.self])

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
}
