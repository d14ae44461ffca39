import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// The label-only dry run (revisions spec §2.6): a live request labelled `kratix.io/dry-run` runs its
/// workflows as previews; the `kratix-diff.md` files its pipelines write become one summary Work,
/// and when the label goes, the preview's Works go and the real workflow runs again.
extension ResourceRequestReconciler {
    /// A request that was previewed and is not any more: its dry-run Works go, and it is labelled
    /// for manual reconciliation so its real workflow re-runs. Returns whether it did anything.
    func removeStalePreview(_ request: KubeObject) async throws -> Bool {
        guard configuration.dryRunEnabled, !isDryRun(request) else { return false }
        let works = try await reader.list(Work.groupVersionResource, namespace: request.namespace, labels: [
            KratixLabels.promiseName: promiseName, KratixLabels.resourceName: request.name ?? "", KratixLabels.dryRun: "true",
        ])
        guard !works.isEmpty else { return false }
        for work in works where work.deletionTimestamp == nil {
            try await client.deleteIfPresent(Work.groupVersionResource, name: work.name ?? "", namespace: work.namespace)
        }
        _ = try await client.patch(api.resource, name: request.name ?? "", namespace: request.namespace,
                                   .merge(["metadata": ["labels": .object([KratixLabels.manualReconciliation: "true"])]]))
        return true
    }

    /// Once a label-only preview's Works are placed: its pipelines' `kratix-diff.md` files, one
    /// section each, in one summary Work (none when no pipeline wrote one). DryRun objects' own
    /// requests (`kratix.io/dry-run-owner`) are summarised by the DryRun controller instead.
    func writeLabelOnlySummary(_ request: KubeObject, worksSucceeded: Bool) async throws {
        guard worksSucceeded, isDryRun(request), request.labels[KratixLabels.dryRunOwner] == nil else { return }
        let name = request.name ?? "", namespace = request.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? KratixGroup.systemNamespace
        let works = try await reader.list(Work.groupVersionResource, namespace: request.namespace, labels: [
            KratixLabels.promiseName: promiseName, KratixLabels.resourceName: name, KratixLabels.dryRun: "true",
        ]).filter { $0.labels[KratixLabels.dryRunSummary] == nil }
        var sections: [(String, String)] = []
        for work in works {
            guard let diff = try DryRunReconciler.files(work)["kratix-diff.md"] else { continue }
            sections.append((work.labels[KratixLabels.pipelineName] ?? "", diff))
        }
        guard !sections.isEmpty else { return }
        let document = "# Kratix Dry Run Summary\n\n" + sections.sorted { $0.0 < $1.0 }
            .map { "## Pipeline: `\($0.0)`\n\n\($0.1)" }.joined(separator: "\n---\n\n")
        try await DryRunReconciler.writeSummaryWork(
            document, name: KratixObjectName.deterministic("\(promiseName)-\(name)-dry-run-summary"), namespace: namespace,
            promise: promiseName, request: name, owner: nil, client: client, reader: reader)
    }
}
