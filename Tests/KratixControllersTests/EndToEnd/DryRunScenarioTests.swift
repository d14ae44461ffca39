import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §2 acceptance scenarios 1–4, 6 and 7 through kubectl: a
/// DryRun previews what a changed request would write, against the live request's output, on a
/// dry-run Destination only, and leaves the live request alone.
@Suite(.serialized) struct DryRunScenarioTests {
    static let redises = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "redises")
    static let dryRuns = DryRun.groupVersionResource

    /// A pipeline writing `redis.yaml` from the request's name and `spec.size`.
    static let promise = PlatformHarness.scriptedPromise(
        name: "redis", plural: "redises", kind: "Redis", pipeline: "instance", specLines: ["destinationSelectors: [{matchLabels: {env: prod}}]"],
        script: """
            set -eu
            name=$(yq '.metadata.name' /kratix/input/object.yaml)
            size=$(yq '.spec.size' /kratix/input/object.yaml)
            [ "$size" = broken ] && exit 3
            printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: %s}\\ndata: {size: %s}\\n' "$name" "$size" > /kratix/output/redis.yaml
            """)

    static func dryRun(_ name: String, request: String, size: String) -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: DryRun
        metadata: {name: \(name), namespace: default}
        spec:
          promiseRef: {name: redis}
          resourceRequestRef: {name: \(request)}
          resource: {size: \(size)}
        """
    }

    /// Whether the Promise serves its API (its requests can be applied): kubectl validates them
    /// against the API's schema.
    static func available(_ promise: String, _ platform: PlatformHarness) async -> Bool {
        await platform.eventually(timeout: .seconds(60)) {
            await platform.get(Promise.groupVersionResource, promise)?.condition("Available")?["status"] == "True"
        }
    }

    static func completed(_ name: String, _ platform: PlatformHarness) async -> JSONValue? {
        await platform.get(dryRuns, name, namespace: "default")?.condition("Completed")
    }

    static func summary(of dryRun: String, _ platform: PlatformHarness) async throws -> String? {
        let work = try await platform.list(Work.groupVersionResource, namespace: "default",
                                           labels: "kratix.io/dry-run-summary=true,kratix.io/dry-run-owner=\(dryRun)").first
        return try work.map { try DryRunReconciler.files($0)["kratix-dry-run-summary.md"] ?? "" }
    }

    @Test func withTheFlagOffADryRunIsIgnored() async throws {
        try await PlatformHarness.with { platform in
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise)
            let served = await platform.eventually(timeout: .seconds(60)) {
                await platform.get(Promise.groupVersionResource, "redis")?.condition("Available")?["status"] == "True"
            }
            #expect(served)
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.dryRun("ignored", request: "none", size: "small"))
            // Nothing acts on it: no status and no ephemeral request during a few seconds.
            let changes = try await platform.changes(to: Self.redises, namespace: "default", during: .seconds(3))
            #expect(changes.isEmpty)
            #expect(await platform.get(Self.dryRuns, "ignored", namespace: "default")?.status == nil)
        }
    }

    @Test func aDryRunPreviewsAChangeOnTheDryRunDestinationOnly() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("featureFlags: {dryRun: true}")
            let repository = try await platform.gitDestinations(["dry-run": ["kratix.io/dry-run": "true", "env": "prod"], "prod": ["env": "prod"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise)
            #expect(await Self.available("redis", platform))
            try await platform.kubectl(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: Redis\nmetadata: {name: my-redis, namespace: default}\nspec: {size: small}\n")
            let live = await platform.eventually(timeout: .seconds(90)) {
                await platform.get(Self.redises, "my-redis", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            }
            await platform.reportFailedPods(namespace: "default")
            #expect(live)
            let liveBefore = await platform.get(Self.redises, "my-redis", namespace: "default")
            try await Self.previewOfAChange(platform, repository)
            try await Self.previewOfANewRequestAndAFailure(platform)
            // The live request is untouched by all of it.
            let liveAfter = await platform.get(Self.redises, "my-redis", namespace: "default")
            #expect(liveAfter?.resourceVersion == liveBefore?.resourceVersion)
            try await Self.deletion(platform, repository)
        }
    }

    /// Scenario 2 (and 7: no normal Work lands on the dry-run Destination).
    static func previewOfAChange(_ platform: PlatformHarness, _ repository: SchedBareRepo) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: dryRun("preview-my-redis", request: "my-redis", size: "large"))
        let done = await platform.eventually(timeout: .seconds(90)) { await completed("preview-my-redis", platform)?["status"] == "True" }
        await platform.reportFailedPods(namespace: "default")
        let condition = await completed("preview-my-redis", platform)
        #expect(done, "\(condition ?? .null)")
        #expect(condition?["reason"] == "SummaryWritten")
        let ephemeralName = KratixObjectName.deterministic("kratix-dry-run-preview-my-redis")
        let ephemeral = try #require(await platform.get(redises, ephemeralName, namespace: "default"))
        #expect(ephemeral.labels["kratix.io/dry-run"] == "true" && ephemeral.labels["kratix.io/dry-run-owner"] == "preview-my-redis")
        #expect(ephemeral.annotations["kratix.io/dry-run-resource-name"] == "my-redis")
        #expect(ephemeral.annotations["kratix.io/dry-run-resource-namespace"] == "default")
        #expect(ephemeral.json["metadata"]?["ownerReferences"]?.arrayValue?.first?["kind"] == "DryRun")
        #expect(ephemeral.spec?["size"] == "large")
        #expect(ephemeral.status?["message"] == "Dry run executed")
        #expect(ephemeral.condition("Reconciled")?["reason"] == "DryRunSucceeded")
        #expect(ephemeral.condition("Reconciled")?["message"] == "Dry run completed")
        let job = try #require(try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=\(ephemeralName)").first)
        let containers = (job[at: ["spec", "template", "spec", "initContainers"]]?.arrayValue ?? [])
            + (job[at: ["spec", "template", "spec", "containers"]]?.arrayValue ?? [])
        #expect(!containers.isEmpty && containers.allSatisfy { container in
            (container["env"]?.arrayValue ?? []).contains { $0["name"] == "KRATIX_DRY_RUN" && $0["value"] == "true" }
        })
        // The pipeline saw the live request's name, with the proposed spec.
        let work = try #require(try await platform.list(Work.groupVersionResource, namespace: "default",
                                                        labels: "kratix.io/resource-name=\(ephemeralName),kratix.io/dry-run=true").first {
            $0.labels["kratix.io/dry-run-summary"] == nil
        })
        #expect(try DryRunReconciler.files(work)["redis.yaml"]?.contains("name: my-redis") == true)
        let placements = try await platform.list(WorkPlacement.groupVersionResource, namespace: "default", labels: "kratix.io/work=\(work.name ?? "")")
        #expect(placements.map { $0.spec?["targetDestinationName"]?.stringValue } == ["dry-run"])
        // The summary: one modified file, with the changed line.
        let summary = try #require(try await summary(of: "preview-my-redis", platform))
        #expect(summary.hasPrefix("# Kratix Dry Run Summary\n\n## Pipeline: `instance`\n\n**0 added · 1 modified · 0 removed**\n"), "\(summary)")
        #expect(summary.contains("-data: {size: small}\n+data: {size: large}\n"), "\(summary)")
        // The summary reaches the dry-run Destination's part of the store once its placement is written.
        let pushed = await platform.eventually(timeout: .seconds(60)) {
            try await repository.files().contains { $0.hasPrefix("dry-run/") && $0.hasSuffix("/kratix-dry-run-summary.md") }
        }
        let files = try await repository.files()
        #expect(pushed, "\(files)")
        // Scenario 7: the live request's Work is on prod only, never on the dry-run Destination.
        #expect(!files.contains { $0.hasPrefix("dry-run/") && $0.contains("/my-redis/") }, "\(files)")
    }

    /// Scenarios 3 and 4.
    static func previewOfANewRequestAndAFailure(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: dryRun("preview-new", request: "not-yet", size: "medium"))
        try await platform.kubectl(["apply", "-f", "-"], stdin: dryRun("preview-broken", request: "my-redis", size: "broken"))
        let done = await platform.eventually(timeout: .seconds(90)) {
            let new = await completed("preview-new", platform), broken = await completed("preview-broken", platform)
            return new?["status"] == "True" && broken != nil
        }
        #expect(done)
        let summary = try await summary(of: "preview-new", platform) ?? ""
        #expect(summary.contains("**1 added · 0 modified · 0 removed**") && summary.contains("## ➕ Added: `redis.yaml`"), "\(summary)")
        #expect(summary.contains("name: not-yet"), "the pipeline saw the intended name: \(summary)")
        let broken = await completed("preview-broken", platform)
        #expect(broken?["status"] == "False" && broken?["reason"] == "PipelineFailed", "\(broken ?? .null)")
        #expect(broken?["message"]?.stringValue?.hasPrefix("A Configure Pipeline has failed") == true, "\(broken ?? .null)")
    }

    /// Scenario 6: deleting the DryRun removes what it made, including the summary file.
    static func deletion(_ platform: PlatformHarness, _ repository: SchedBareRepo) async throws {
        try await platform.kubectl(["delete", "dryrun", "preview-my-redis", "-n", "default"])
        let ephemeralName = KratixObjectName.deterministic("kratix-dry-run-preview-my-redis")
        let gone = await platform.eventually(timeout: .seconds(90)) {
            let request = await platform.get(redises, ephemeralName, namespace: "default")
            let works = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=\(ephemeralName)")
            let files = try await repository.files()
            return request == nil && works.isEmpty && !files.contains { $0.contains(ephemeralName) }
        }
        #expect(gone)
    }

    /// §2.6: a live request labelled `kratix.io/dry-run` previews itself; its pipelines'
    /// `kratix-diff.md` files make the summary; removing the label removes the preview and runs the
    /// real workflow again.
    @Test func aLabelledRequestPreviewsItselfUntilTheLabelGoes() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("featureFlags: {dryRun: true}")
            _ = try await platform.gitDestinations(["dry-run": ["kratix.io/dry-run": "true"], "prod": ["env": "prod"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: PlatformHarness.scriptedPromise(
                name: "diffy", plural: "diffies", kind: "Diffy", pipeline: "p", container: "c", image: "busybox", script: """
                    echo 'kind: ConfigMap' > /kratix/output/cm.yaml
                    if [ "${KRATIX_DRY_RUN:-}" = true ]; then echo 'would change cm.yaml' > /kratix/output/kratix-diff.md; fi
                    """))
            #expect(await Self.available("diffy", platform))
            try await platform.kubectl(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: Diffy\nmetadata: {name: d, namespace: default, labels: {kratix.io/dry-run: \"true\"}}\nspec: {}\n")
            let summarised = await platform.eventually(timeout: .seconds(90)) {
                let summary = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/dry-run-summary=true,kratix.io/resource-name=d").first
                return try summary.map { try DryRunReconciler.files($0)["kratix-dry-run-summary.md"] } == "# Kratix Dry Run Summary\n\n## Pipeline: `p`\n\nwould change cm.yaml\n"
            }
            await platform.reportFailedPods(namespace: "default")
            #expect(summarised)
            let jobsBefore = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=d").count
            try await platform.kubectl(["label", "diffies", "d", "-n", "default", "kratix.io/dry-run-"])
            let real = await platform.eventually(timeout: .seconds(90)) {
                let previews = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=d,kratix.io/dry-run=true")
                let works = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=d")
                let jobs = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=d").count
                return previews.isEmpty && works.count == 1 && jobs > jobsBefore
            }
            let works = try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/resource-name=d")
                .map { "\($0.name ?? "") \($0.labels)" }
            let request = await platform.get(GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "diffies"), "d", namespace: "default")
            #expect(real, "works: \(works); request: \(request?.labels ?? [:]) \(request?.status ?? .null)")
        }
    }
}
