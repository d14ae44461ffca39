import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixControllers

/// Issue 15: reconciles read what their informers hold from the caches. A resource request goes
/// from created to Reconciled (its pipeline, Work, WorkPlacement and file) without the manager
/// getting or listing any object of a resource it has an informer for; counted per verb and
/// resource by the manager client's `kratix_rest_client_requests_total`.
@Suite(.serialized) struct CacheReadsTests {
    static let requests = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "cachedapps")

    @Test func aRequestIsReconciledWithoutGettingOrListingWhatTheInformersHold() async throws {
        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            let metrics = MetricsRegistry()
            var configuration = try ClientConfiguration.fromKubeconfig(path: platform.server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration, metricsFactory: metrics.factory)
            do {
                try await platform.startManager(client: client, metrics: metrics)
                try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise)
                #expect(await platform.eventually { await platform.get(Promise.groupVersionResource, "cachedapp")?[at: ["status", "status"]] == "Available" })
                // The informers have listed by now; from here on every read should be a cache read.
                let before = Self.reads(metrics)
                try await platform.kubectl(["apply", "-f", "-"], stdin: Self.request)
                #expect(await platform.eventually {
                    await platform.get(Self.requests, "one", namespace: "default")?.condition("Reconciled")?["status"] == "True"
                })
                let after = Self.reads(metrics)
                let held = ["promises", "cachedapps", "works", "workplacements", "destinations", "gitstatestores", "jobs",
                            "serviceaccounts", "configmaps", "roles", "rolebindings", "clusterroles", "clusterrolebindings",
                            "customresourcedefinitions"]
                for resource in held {
                    for verb in ["get", "list"] {
                        let key = "\(verb) \(resource)"
                        #expect((after[key] ?? 0) - (before[key] ?? 0) == 0, "the manager made \(key) requests")
                    }
                }
                // It did write: the check above is not vacuous.
                #expect((after["update cachedapps/status"] ?? 0) > (before["update cachedapps/status"] ?? 0))
                #expect((after["create jobs"] ?? 0) > (before["create jobs"] ?? 0))
                await platform.stopManager()
                try await client.shutdown()
            } catch {
                await platform.stopManager()
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// `verb resource` → count, from the registry's exposition.
    static func reads(_ metrics: MetricsRegistry) -> [String: Double] {
        var out: [String: Double] = [:]
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("kratix_rest_client_requests_total{") {
            func label(_ name: String) -> String? {
                guard let range = line.range(of: "\(name)=\"") else { return nil }
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
            guard let verb = label("verb"), let resource = label("resource"),
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            out["\(verb) \(resource)", default: 0] += value
        }
        return out
    }

    static let promise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: cachedapp}
        spec:
          destinationSelectors:
            - matchLabels: {environment: dev}
          api:
        \(PlatformHarness.openAPI(plural: "cachedapps", kind: "CachedApp"))
          workflows:
            resource:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: render}
                  spec:
                    containers:
                      - name: render
                        image: busybox
                        command: ["/bin/sh", "-c"]
                        args: ["printf 'apiVersion: v1\\\\nkind: ConfigMap\\\\nmetadata:\\\\n  name: cached\\\\n' > /kratix/output/cm.yaml"]
        """

    static let request = """
        apiVersion: test.kratix.io/v1alpha1
        kind: CachedApp
        metadata: {name: one, namespace: default}
        spec: {size: 1}
        """
}
