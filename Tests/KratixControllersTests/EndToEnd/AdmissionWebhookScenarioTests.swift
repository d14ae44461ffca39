import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §4 acceptance scenarios, and §1 scenario 12's admission
/// part, through kubectl: the manager serves the webhooks with its own certificate, the embedded
/// API server calls them as a real one does, and a bad object is refused at `kubectl apply`.
@Suite(.serialized) struct AdmissionWebhookScenarioTests {
    /// `kubectl apply` of `yaml`: exit status and everything kubectl printed.
    static func apply(_ yaml: String, _ platform: PlatformHarness) async throws -> (status: Int32, output: String) {
        let result = try await platform.server.kubectl(["apply", "-f", "-"], stdin: yaml)
        return (result.status, result.stdout + result.stderr)
    }

    static func promise(_ name: String, scope: String = "Namespaced", kind: String = "Thing", extra: String = "", metadata: String = "") -> String {
        TestPromises.promise(name, kind: kind, scope: scope, extra: extra, metadata: metadata)
    }

    static func pipelines(_ names: [String], restartPolicy: String? = nil) -> String {
        TestPromises.resourcePipelines(names, restartPolicy: restartPolicy)
    }

    @Test func badObjectsAreRefusedAtApply() async throws {
        try await PlatformHarness.with { platform in
            try await platform.startManager(webhooks: true)
            try await Self.promises(platform)
            try await Self.destinationsStoresAndReleases(platform)
            try await Self.latestRevision(platform)
        }
    }

    static func denied(_ webhook: String, _ message: String) -> String {
        "admission webhook \"\(webhook)\" denied the request: \(message)"
    }

    static func promises(_ platform: PlatformHarness) async throws {
        // 1.
        var result = try await apply(promise("cluster", scope: "Cluster"), platform)
        #expect(result.status != 0 && result.output.contains(denied("vpromise.kb.io", "promise api needs to be namespace scoped; spec.api.spec.scope cannot be: Cluster")), "\(result.output)")
        // 2.
        result = try await apply(promise("dup", extra: pipelines(["p", "p"])), platform)
        #expect(result.output.contains(denied("vpromise.kb.io", "duplicate pipeline name \"p\" in workflow \"resource\" action \"configure\"")), "\(result.output)")
        // 3.
        result = try await apply(promise("averyveryverylongpromisename", extra: pipelines(["a-pipeline-name-that-is-long-enough"])), platform)
        #expect(result.status != 0 && result.output.contains("cannot be longer than 60 characters in total"), "\(result.output)")
        // 4.
        result = try await apply(promise("interval", extra: pipelines(["p"]) + "    config: {reconciliationInterval: 30s}\n"), platform)
        #expect(result.output.contains("spec.workflows.config.reconciliationInterval: Invalid value: \"30s\": must be at least 1m0s"), "\(result.output)")
        // 5.
        result = try await apply(promise("annotated", metadata: "  annotations: {kratix.io/reconciliation-interval: 1d}"), platform)
        #expect(result.output.contains("Invalid value: \"1d\": must be a valid duration"), "\(result.output)")
        // §3 scenario 3: restartPolicy Always fails the Job dry run; Never is kept.
        result = try await apply(promise("always", extra: pipelines(["p"], restartPolicy: "Always")), platform)
        #expect(result.status != 0 && result.output.contains("failed to generate Job definition"), "\(result.output)")
        // Nothing of the refused ones was stored.
        #expect(await platform.get(Promise.groupVersionResource, "cluster") == nil)
        #expect(await platform.get(Promise.groupVersionResource, "always") == nil)

        // 6. A Promise installed, then its kind changed.
        result = try await apply(promise("good", extra: pipelines(["p"])), platform)
        #expect(result.status == 0, "\(result.output)")
        var renamed = promise("good", kind: "Thing", extra: pipelines(["p"]))
        renamed = renamed.replacingOccurrences(of: "kind: Thing,", with: "kind: Other,")
        result = try await apply(renamed, platform)
        #expect(result.output.contains("promises.platform.kratix.io \"good\" was not valid:"), "\(result.output)")
        #expect(result.output.contains("* spec.api.spec.names: Invalid value:"), "\(result.output)")
        // 7. A requirement not installed: accepted, with warnings kubectl prints.
        result = try await apply(promise("needy", kind: "Needy", extra: "  requiredPromises: [{name: nope, version: v1}]"), platform)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Warning: Required Promise \"nope\" at version \"v1\" not installed"), "\(result.output)")
        #expect(result.output.contains("Warning: Promise will not be available until the above issue(s) is resolved"), "\(result.output)")
    }

    static func destinationsStoresAndReleases(_ platform: PlatformHarness) async throws {
        func destination(_ name: String, path: String, store: String = "s", extra: String = "") -> String {
            "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: \(name)}\nspec: {path: \"\(path)\", stateStoreRef: {kind: GitStateStore, name: \(store)}\(extra)}\n"
        }
        // 8.
        var result = try await apply(destination("empty", path: ""), platform)
        #expect(result.output.contains(denied("vdestination.kb.io", "path field is required")), "\(result.output)")
        result = try await apply(destination("first", path: "p", store: "g"), platform)
        #expect(result.status == 0 && result.output.contains("Warning: referenced GitStateStore \"g\" does not exist"), "\(result.output)")
        result = try await apply(destination("second", path: "p", store: "g"), platform)
        #expect(result.output.contains(denied("vdestination.kb.io", "destination path 'p' already exists for state store 'g'")), "\(result.output)")
        result = try await apply(destination("aggregated", path: "agg", store: "g", extra: ", filepath: {mode: aggregatedYAML}"), platform)
        #expect(result.status == 0, "\(result.output)")
        let aggregated = await platform.get(Destination.groupVersionResource, "aggregated")
        #expect(aggregated?[at: ["spec", "filepath", "filename"]] == "aggregated.yaml")
        // 9.
        result = try await apply("apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata: {name: b}\nspec: {bucketName: x, endpoint: e, authMethod: accessKey}\n", platform)
        #expect(result.output.contains(denied("vbucketstatestore-v1alpha1.kb.io", "spec.secretRef must be set when using authentication method accessKey")), "\(result.output)")
        // §3 scenario 4: a valid store without useDualStack reads back with it false.
        result = try await apply("apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata: {name: b}\nspec: {bucketName: x, endpoint: e, secretRef: {name: s, namespace: default}}\n", platform)
        #expect(result.status == 0, "\(result.output)")
        let bucket = await platform.get(BucketStateStore.groupVersionResource, "b")
        #expect(bucket?[at: ["spec", "useDualStack"]] == false)
        // 10.
        result = try await apply("apiVersion: platform.kratix.io/v1alpha1\nkind: PromiseRelease\nmetadata: {name: r}\nspec: {version: v1, sourceRef: {type: http, url: \"\"}}\n", platform)
        #expect(result.output.contains(denied("vpromiserelease.kb.io", "sourceRef.url must be set")), "\(result.output)")
    }

    /// 11 (and §1 scenario 12): the latest revision cannot be deleted by a user; the manager may.
    static func latestRevision(_ platform: PlatformHarness) async throws {
        let name = PromiseReconciler.revisionName(promise: "good", version: "not-set")
        let latest = await platform.eventually(timeout: .seconds(60)) {
            await platform.get(PromiseRevision.groupVersionResource, name)?[at: ["status", "latest"]] == true
        }
        #expect(latest)
        let result = try await platform.server.kubectl(["delete", "promiserevision", name])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains(denied("vpromiserevision-v1alpha1.kb.io", "can not delete the latest PromiseRevision")),
                "\(result.stdout)\(result.stderr)")
        #expect(await platform.get(PromiseRevision.groupVersionResource, name) != nil)
        // Deleting the Promise takes its revisions with it: the manager's deletes are exempt.
        try await platform.kubectl(["delete", "promise", "good", "--wait=false"])
        let gone = await platform.eventually(timeout: .seconds(60)) {
            await platform.get(PromiseRevision.groupVersionResource, name) == nil
        }
        #expect(gone)
    }
}
