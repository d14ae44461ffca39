import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §2 acceptance scenario 5 (and 6 for the children): the
/// preview of a compound request previews its component requests, each by a child DryRun, and
/// gathers their summaries into its own.
@Suite(.serialized) struct DryRunCompoundScenarioTests {
    static let dryRuns = DryRun.groupVersionResource

    /// The component Promise: writes `db.yaml`; a size of `broken` fails its pipeline.
    static let database = PlatformHarness.scriptedPromise(name: "database", plural: "databases", kind: "Database", pipeline: "db", script: """
        set -eu
        size=$(yq '.spec.size' /kratix/input/object.yaml)
        [ "$size" = broken ] && exit 3
        printf 'size: %s\\n' "$size" > /kratix/output/db.yaml
        """)

    /// The compound Promise: its pipeline writes two Database requests labelled as its components.
    static let app = PlatformHarness.scriptedPromise(name: "app", plural: "apps", kind: "App", pipeline: "compose", script: """
        set -eu
        name=$(yq '.metadata.name' /kratix/input/object.yaml)
        for part in one two; do
          size=$(yq ".spec.$part" /kratix/input/object.yaml)
          printf 'apiVersion: test.kratix.io/v1alpha1\\nkind: Database\\nmetadata:\\n  name: %s-%s\\n  namespace: default\\n  labels: {kratix.io/parent-resource-name: %s}\\nspec: {size: %s}\\n' "$name" "$part" "$name" "$size" > /kratix/output/db-$part.yaml
        done
        echo "app: $name" > /kratix/output/app.yaml
        """)

    static func dryRun(_ name: String, one: String, two: String) -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: DryRun
        metadata: {name: \(name), namespace: default}
        spec:
          promiseRef: {name: app}
          resourceRequestRef: {name: shop}
          resource: {one: \(one), two: \(two)}
        """
    }

    @Test func aCompoundPreviewPreviewsItsComponents() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("featureFlags: {dryRun: true}")
            _ = try await platform.gitDestinations(["dry-run": ["kratix.io/dry-run": "true"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.database + "\n---\n" + Self.app)
            #expect(await DryRunScenarioTests.available("database", platform))
            #expect(await DryRunScenarioTests.available("app", platform))

            // Both components succeed.
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.dryRun("preview-shop", one: "small", two: "large"))
            let done = await platform.eventually(timeout: .seconds(180)) {
                await platform.get(Self.dryRuns, "preview-shop", namespace: "default")?.condition("Completed")?["status"] == "True"
            }
            await platform.reportFailedPods(namespace: "default")
            let parent = try #require(await platform.get(Self.dryRuns, "preview-shop", namespace: "default"))
            #expect(done, "\(parent.status ?? .null)")
            let children = try await platform.list(Self.dryRuns, namespace: "default", labels: "kratix.io/dry-run-parent=preview-shop")
            #expect(children.count == 2)
            #expect(Set(children.compactMap { $0.spec?["resourceRequestRef"]?["name"]?.stringValue }) == ["shop-one", "shop-two"])
            #expect(children.allSatisfy { $0.labels["kratix.io/promise-name"] == "database" })
            #expect(children.allSatisfy { $0.json["metadata"]?["ownerReferences"]?.arrayValue?.first?["name"] == "preview-shop" })
            let rows = parent.status?["components"]?.arrayValue ?? []
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["phase"] == "Succeeded" && $0["promise"] == "database" }, "\(rows)")
            let components = parent.condition("ComponentsSucceeded")
            #expect(components?["status"] == "True")
            #expect(components?["reason"] == "AllComponentsSucceeded")
            #expect(components?["message"] == "All component dry runs completed")
            let summary = try #require(try await DryRunScenarioTests.summary(of: "preview-shop", platform))
            #expect(summary.hasPrefix("# Kratix Dry Run Summary\n\n## Compound request: `app` / `shop`\n\n### Pipeline: `compose`\n\n"), "\(summary)")
            #expect(summary.components(separatedBy: "## Component request: `database` / ").count == 3, "\(summary)")
            #expect(summary.contains("## Component request: `database` / `shop-one`\n\n### Pipeline: `db`\n\n**1 added · 0 modified · 0 removed**"))
            #expect(summary.contains("size: large"))
            // Each child's summary file is named after it.
            let childSummaries = try await platform.list(Work.groupVersionResource, namespace: "default",
                                                         labels: "kratix.io/dry-run-summary=true,kratix.io/promise-name=database")
            #expect(Set(childSummaries.compactMap { try? DryRunReconciler.files($0).keys.first })
                == Set(children.compactMap { $0.name.map { "kratix-dry-run-summary-\($0).md" } }))

            // One component fails: the parent completes, and says which component did not.
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.dryRun("preview-broken", one: "small", two: "broken"))
            let failedComponent = await platform.eventually(timeout: .seconds(240)) {
                await platform.get(Self.dryRuns, "preview-broken", namespace: "default")?.condition("ComponentsSucceeded")?["status"] == "False"
            }
            let broken = try #require(await platform.get(Self.dryRuns, "preview-broken", namespace: "default"))
            #expect(failedComponent, "\(broken.status ?? .null)")
            #expect(broken.condition("Completed")?["status"] == "True")
            #expect(broken.condition("ComponentsSucceeded")?["reason"] == "ComponentDryRunFailed")
            // The pipeline sees the intended name `shop`, so its components are shop-one and shop-two.
            #expect(broken.condition("ComponentsSucceeded")?["message"] == "Preview is incomplete; these components failed: database/shop-two")
            let brokenRows = broken.status?["components"]?.arrayValue ?? []
            #expect(brokenRows.contains { $0["phase"] == "Failed" } && brokenRows.contains { $0["phase"] == "Succeeded" }, "\(brokenRows)")
            let brokenSummary = try #require(try await DryRunScenarioTests.summary(of: "preview-broken", platform))
            #expect(brokenSummary.contains("> **Dry run failed.** "), "\(brokenSummary)")

            // Scenario 6 for compound previews: deleting the parent takes its children with it.
            try await platform.kubectl(["delete", "dryrun", "preview-shop", "-n", "default", "--wait=false"])
            let childrenGone = await platform.eventually(timeout: .seconds(90)) {
                try await platform.list(Self.dryRuns, namespace: "default", labels: "kratix.io/dry-run-parent=preview-shop").isEmpty
            }
            #expect(childrenGone)
        }
    }
}
