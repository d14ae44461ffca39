import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §3 acceptance scenario 1: with
/// `stateStoreReconciliationInterval`, a file deleted from the state store behind Kratix's back is
/// written again after the interval (plus the fetch interval), and the WorkPlacement's
/// `status.versionID` moves to the commit that restored it. The spec's 1m is shortened to 3s; the
/// behaviour is the same.
@Suite(.serialized) struct StateStoreRewriteTests {
    @Test func aFileDeletedInTheRepositoryComesBackAfterTheInterval() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("stateStoreReconciliationInterval: 3s")
            let repository = try await platform.gitDestinations(["drift": [:]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: drifty}
                spec:
                  dependencies:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: drifty-settings, namespace: default}
                      data: {level: "1"}
                """)
            var file = ""
            let written = await platform.eventually(timeout: .seconds(60)) {
                // The Promise's file, not the Destination's canary beside it.
                for candidate in try await repository.files() where candidate.hasPrefix("drift/dependencies/") {
                    if try await repository.show(candidate)?.contains("drifty-settings") == true { file = candidate }
                }
                return !file.isEmpty
            }
            let filesNow = (try? await repository.files()) ?? []
            #expect(written, "the dependency never reached the store: \(filesNow)")
            guard written else { return }
            let placement = try #require(try await platform.list(WorkPlacement.groupVersionResource, namespace: KratixGroup.systemNamespace)
                .first { $0.json["spec"]?["targetDestinationName"]?.stringValue == "drift" })
            let placementName = try #require(placement.name)
            var versionBefore = ""
            let versioned = await platform.eventually(timeout: .seconds(30)) {
                versionBefore = await platform.get(WorkPlacement.groupVersionResource, placementName, namespace: KratixGroup.systemNamespace)?
                    .json["status"]?["versionID"]?.stringValue ?? ""
                return !versionBefore.isEmpty
            }
            #expect(versioned, "the WorkPlacement never recorded a versionID")

            // Someone deletes the file in the repository itself.
            let clone = "\(platform.directory)/drift-clone"
            try await TestShell.check("git", ["clone", "--quiet", "--branch", "main", repository.url, clone])
            try await TestShell.check("git", ["rm", "--quiet", file], cwd: clone)
            try await TestShell.check("git", ["-c", "user.name=someone", "-c", "user.email=someone@example.com", "commit", "--quiet", "-m", "drift"], cwd: clone)
            try await TestShell.check("git", ["push", "--quiet", "origin", "main"], cwd: clone)
            #expect(try await repository.show(file) == nil)

            let restored = await platform.eventually(timeout: .seconds(60)) { try await repository.show(file) != nil }
            #expect(restored, "the deleted file was not written again")
            let versionMoved = await platform.eventually(timeout: .seconds(30)) {
                let now = await platform.get(WorkPlacement.groupVersionResource, placementName, namespace: KratixGroup.systemNamespace)?
                    .json["status"]?["versionID"]?.stringValue
                return now != nil && now != versionBefore
            }
            #expect(versionMoved, "status.versionID still \(versionBefore)")
            #expect(try await repository.show(file)?.contains("drifty-settings") == true)
        }
    }
}
