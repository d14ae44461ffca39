import ArgumentParser
import Foundation

/// The flags every `kratix init` generator shares (upstream's persistent `init` flags).
struct PromiseInitOptions: ParsableArguments {
    @Option(name: [.customShort("g"), .long], help: "The API group of the generated CRD.") var group: String
    @Option(name: [.customShort("k"), .long], help: "The kind of the generated CRD.") var kind: String
    @Option(name: [.customShort("v"), .long], help: "The CRD version (default: v1alpha1).") var version: String?
    @Option(help: "The CRD plural (default: lower-case kind + s).") var plural: String?
    @Option(name: [.customShort("d"), .long], help: "The output directory.") var dir = "."
    @Flag(help: "Write api.yaml, dependencies.yaml and workflow files instead of promise.yaml.") var split = false
}

/// Upstream's preview notice (rule R5): printed in red, then a pause so it is seen.
enum PreviewNotice {
    static func show() async {
        print("\u{1B}[31mPreview: This command is in preview, not supported under SLAs, and may change or break without notice.\u{1B}[0m")
        try? await Task.sleep(for: .seconds(2))
    }
}
