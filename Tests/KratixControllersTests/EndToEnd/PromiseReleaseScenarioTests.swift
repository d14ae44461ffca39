import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2 `promise_release_test.go` (assets `promise-release/`): a
/// PromiseRelease with `sourceRef.type: http` installs its Promise from a plain URL and from one that
/// needs the `Authorization` header from Secret key `authorizationHeader`; deleting the release
/// deletes the Promise. The fixture's in-cluster hoster is replaced by a local HTTP file server
/// serving the fixture's own Promise files, the secure one only with the header.
@Suite(.serialized) struct PromiseReleaseScenarioTests {
    static let assets = "kratix/system/assets/promise-release"

    @Test func promiseReleasesInstallFromPlainAndAuthorisedURLs() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-release-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: scratch + "/files/private/secure", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let fixtures = TestEnvironment.fixturesDirectory.appendingPathComponent(Self.assets)
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("test-server/insecure-promise.yaml").path, toPath: scratch + "/files/promise")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("test-server/secure-promise.yaml").path, toPath: scratch + "/files/private/secure/promise")
        let files = try await SchedHTTPFileServer.start(root: scratch + "/files", token: "Bearer your-secret-token", in: scratch)
        defer { Task { await files.stop() } }

        try await PlatformHarness.with { platform in
            _ = try await platform.gitDestinations(["worker-1": ["environment": "dev"]])
            try await platform.startManager()
            let hoster = "http://kratix-promise-release-test-hoster.kratix-platform-system:8080"
            var releases = try String(contentsOf: fixtures.appendingPathComponent("promise-release.yaml"), encoding: .utf8)
            releases = releases.replacingOccurrences(of: "\(hoster)/secure/promise", with: files.url("private/secure/promise"))
                .replacingOccurrences(of: "\(hoster)/promise", with: files.url("promise"))
            try await platform.kubectl(["apply", "-f", "-"], stdin: releases)

            func release(_ name: String) async -> KubeObject? { await platform.get(PromiseRelease.groupVersionResource, name) }
            for (name, promise) in [("insecure", "insecurepro"), ("secure", "securepro")] {
                let installed = await platform.eventually(timeout: .seconds(60)) {
                    let current = await release(name)
                    let installedPromise = await platform.get(Promise.groupVersionResource, promise)
                    return current?[at: ["status", "status"]] == "Installed" && installedPromise != nil
                }
                let current = await release(name)
                #expect(installed, "\(name): \(current?.conditionSummary ?? [])")
                #expect(current?.conditionSummary == ["Installed/True/InstalledSuccessfully/Installed successfully"])
                #expect(current?.json["metadata"]?["finalizers"]?.arrayValue?.contains("kratix.io/promise-cleanup") == true)
                let installedPromise = await platform.get(Promise.groupVersionResource, promise)
                #expect(installedPromise?.labels["kratix.io/promise-release-name"] == .some(name))
                #expect(installedPromise?.labels["kratix.io/promise-version"] == "v1.0.0")
                let owner = installedPromise?.json["metadata"]?["ownerReferences"]?.arrayValue?.first
                #expect(owner?["kind"] == "PromiseRelease" && owner?["name"]?.stringValue == name && owner?["controller"] == true)
                #expect(await platform.eventually {
                    await platform.get(Promise.groupVersionResource, promise)?[at: ["status", "status"]] == "Available"
                }, "\(promise) becomes Available")
            }

            // Without the header the secure URL refuses: the release says so and installs nothing.
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: PromiseRelease
                metadata: {name: unauthorised}
                spec:
                  version: v1.0.0
                  sourceRef: {type: http, url: "\(files.url("private/secure/promise"))"}
                """)
            #expect(await platform.eventually(timeout: .seconds(30)) {
                await release("unauthorised")?.condition("Installed")?["reason"] == "FailedToFetchPromise"
            })
            #expect(await release("unauthorised")?[at: ["status", "status"]] == "Error installing")

            // Deleting a release deletes its Promise.
            for (name, promise) in [("insecure", "insecurepro"), ("secure", "securepro")] {
                try await platform.kubectl(["delete", "promiserelease", name, "--wait=false"])
                #expect(await platform.eventually(timeout: .seconds(90)) {
                    let promiseGone = await platform.get(Promise.groupVersionResource, promise) == nil
                    let releaseGone = await release(name) == nil
                    return promiseGone && releaseGone
                }, "\(name) and \(promise) are deleted")
            }
        }
    }
}
