import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §1 acceptance scenarios 1, 2 and 14, and §1.4 and §1.10:
/// a Promise's revisions follow its version label, one is latest, requirements on a version are
/// met by any revision at it, and revisions go with their Promise.
@Suite(.serialized) struct PromiseRevisionScenarioTests {
    static let revisions = PromiseRevision.groupVersionResource

    static func promise(_ name: String, version: String?, plural: String, kind: String, requires: String = "") -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: \(name)
        \(version.map { "  labels: {kratix.io/promise-version: \($0)}" } ?? "")
        spec:
        \(requires)
          api:
        \(PlatformHarness.openAPI(plural: plural, kind: kind))
        """
    }

    static func revisions(of promise: String, _ platform: PlatformHarness) async throws -> [KubeObject] {
        try await platform.list(revisions, labels: "kratix.io/promise-name=\(promise)")
    }

    @Test func revisionsFollowTheVersionLabelAndOneIsLatest() async throws {
        try await PlatformHarness.with { platform in
            try await platform.startManager()
            let firstName = try await Self.firstRevision(platform)
            try await Self.unversionedRevision(platform)
            try await Self.upgrade(platform, from: firstName)
            try await Self.requirements(platform)
            try await Self.deletion(platform)
        }
    }

    /// Scenario 1: one revision, named upgrade- and five hex characters, latest.
    static func firstRevision(_ platform: PlatformHarness) async throws -> String {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise("upgrade", version: "v0.1.0-BETA", plural: "upgrades", kind: "Upgrade"))
        let created = await platform.eventually(timeout: .seconds(30)) {
            let all = (try? await revisions(of: "upgrade", platform)) ?? []
            return all.count == 1 && all[0][at: ["status", "latest"]] == true
        }
        #expect(created)
        let first = try #require(try await revisions(of: "upgrade", platform).first)
        let firstName = first.name ?? ""
        #expect(firstName == PromiseReconciler.revisionName(promise: "upgrade", version: "v0.1.0-BETA"))
        #expect(firstName.hasPrefix("upgrade-") && firstName.count == 13 && firstName.dropFirst(8).allSatisfy(\.isHexDigit))
        let labels = first.labels
        #expect(labels == ["kratix.io/promise-name": "upgrade", "kratix.io/latest-revision": "true"])
        let spec = first.spec ?? .null
        #expect(spec["version"] == "v0.1.0-BETA")
        #expect(spec[path: ["promiseSpec", "api", "spec", "names", "kind"]] == "Upgrade")
        #expect(first.json["metadata"]?["ownerReferences"]?.arrayValue?.first?["kind"] == "Promise")
        let table = try await platform.kubectl(["get", "promiserevisions"])
        #expect(table.hasPrefix("NAME") && table.contains("PROMISE") && table.contains("VERSION") && table.contains("LATEST"), "\(table)")
        let wanted = "Normal RevisionCreated: Revision \(firstName) created"
        let recorded = await platform.eventually(timeout: .seconds(10)) {
            ((try? await platform.events(about: "upgrade")) ?? []).contains(wanted)
        }
        #expect(recorded)
        return firstName
    }

    /// Scenario 2: no version label is `not-set`, with upstream's name.
    static func unversionedRevision(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise("redis", version: nil, plural: "redises", kind: "Redis"))
        let found = await platform.eventually(timeout: .seconds(30)) {
            await platform.get(revisions, "redis-5a7f3")?.spec?["version"] == "not-set"
        }
        #expect(found)
    }

    /// A new version is a new revision and the only latest; the old one keeps its spec.
    static func upgrade(_ platform: PlatformHarness, from firstName: String) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise("upgrade", version: "v0.2.0", plural: "upgrades", kind: "Upgrade"))
        let second = PromiseReconciler.revisionName(promise: "upgrade", version: "v0.2.0")
        let moved = await platform.eventually(timeout: .seconds(30)) {
            let old = await platform.get(revisions, firstName)
            let new = await platform.get(revisions, second)
            return new?[at: ["status", "latest"]] == true && new?.labels["kratix.io/latest-revision"] == "true"
                && old?.labels["kratix.io/latest-revision"] == nil && old?[at: ["status", "latest"]] == nil
        }
        let all = ((try? await revisions(of: "upgrade", platform)) ?? []).map { "\($0.name ?? "") \($0.labels) \($0.status ?? .null)" }
        #expect(moved, "\(all)")
        let oldVersion = await platform.get(revisions, firstName)?.spec?["version"]
        #expect(oldVersion == "v0.1.0-BETA")
    }

    /// Scenario 14: a requirement on v0.1.0-BETA stays met after the upgrade; one on a version
    /// that never existed is not.
    static func requirements(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise("needs-beta", version: nil, plural: "needsbetas", kind: "NeedsBeta",
                                                                           requires: "  requiredPromises: [{name: upgrade, version: v0.1.0-BETA}]"))
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise("needs-nine", version: nil, plural: "needsnines", kind: "NeedsNine",
                                                                           requires: "  requiredPromises: [{name: upgrade, version: v9.9.9}]"))
        let betaMet = await platform.eventually(timeout: .seconds(60)) {
            await platform.get(Promise.groupVersionResource, "needs-beta")?.condition("RequirementsFulfilled")?["status"] == "True"
        }
        let beta = await platform.get(Promise.groupVersionResource, "needs-beta")?.status ?? .null
        #expect(betaMet, "\(beta)")
        let nineUnmet = await platform.eventually(timeout: .seconds(30)) {
            let status = await platform.get(Promise.groupVersionResource, "needs-nine")?.status
            return status?["requiredPromises"]?.arrayValue?.first?["state"] == "Requirement not installed at the specified version"
        }
        let nine = await platform.get(Promise.groupVersionResource, "needs-nine")?.status ?? .null
        #expect(nineUnmet, "\(nine)")
    }

    /// Revisions go with their Promise.
    static func deletion(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["delete", "promise", "redis", "--wait=false"])
        let gone = await platform.eventually(timeout: .seconds(60)) {
            let revision = await platform.get(revisions, "redis-5a7f3")
            let promise = await platform.get(Promise.groupVersionResource, "redis")
            return revision == nil && promise == nil
        }
        #expect(gone)
    }
}
