import ArgumentParser
import Foundation
import KratixAuthoring

/// `kratix helm-resource-configure`: the stage of Promises made by `init helm-promise`.
struct HelmResourceConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helm-resource-configure",
        abstract: "The Helm pipeline stage: renders the chart with the request's spec as values.",
        discussion: """
            Reads CHART_URL (required), CHART_NAME, CHART_VERSION and TARGET_NAMESPACE; the request from \
            KRATIX_INPUT/object.yaml (/kratix/input); runs `helm template` (HELM_BINARY, default helm) and writes \
            its output to KRATIX_OUTPUT/object.yaml (/kratix/output).
            """)

    func run() async throws {
        try await HelmResourceConfigureStage.run(environment: ProcessInfo.processInfo.environment)
    }
}
