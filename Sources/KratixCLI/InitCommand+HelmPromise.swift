import ArgumentParser
import Foundation
import KratixAuthoring
import KratixTerraform

extension InitCommand {
    /// `kratix init helm-promise`: a Promise from a Helm chart's default values.
    struct HelmPromise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "helm-promise",
            abstract: "Preview: Initialize a new Promise from a Helm chart.",
            discussion: """
                The chart's default values become the Promise API; each request renders the chart with its spec \
                as values (the helm-resource-configure stage). --chart-url takes an OCI reference (oci://…), a \
                chart repository URL (with --chart-name), a .tgz URL, or a local chart directory or .tgz (read \
                offline).
                """)

        @Argument(help: "The Promise name.") var name: String
        @Option(name: .customLong("chart-url"), help: "The chart: oci://…, a repository URL, a .tgz URL, or a local directory or .tgz.")
        var chartURL: String
        @Option(name: .customLong("chart-name"), help: "The chart name (required for a chart repository).") var chartName: String?
        @Option(name: .customLong("chart-version"), help: "The chart version (default: latest).") var chartVersion: String?
        @OptionGroup var options: PromiseInitOptions

        func run() async throws {
            await PreviewNotice.show()
            let request = KratixAuthoring.HelmPromiseInit.Request(
                name: name, chart: HelmChartSource(url: chartURL, name: chartName, version: chartVersion), group: options.group,
                kind: options.kind, version: options.version ?? "v1alpha1", plural: options.plural, split: options.split)
            let files = try await KratixAuthoring.HelmPromiseInit.run(request)
            try GeneratedFile.write(files, to: URL(fileURLWithPath: options.dir))
            print(KratixAuthoring.HelmPromiseInit.doneMessage(name: name, dir: options.dir))
        }
    }
}
