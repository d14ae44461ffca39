import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.2, `compound_promise_test.go`, with the fixtures in
/// `kratix/system/assets/compound-promise`. Requirement versions are not checked against
/// PromiseRevisions yet (issue 9 defers revisions), so the v2.0.0 step shows only that an upgrade
/// keeps the compound Promise available.
@Suite(.serialized) struct CompoundPromiseTests {
    static let compounds = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "compound")
    static let assets = "kratix/system/assets/compound-promise"

    func promise(_ platform: PlatformHarness, _ name: String) async -> KubeObject? {
        await platform.get(Promise.groupVersionResource, name)
    }

    @Test func requirementsGateTheCompoundPromiseAndItsRequests() async throws {
        try await PlatformHarness.with { platform in
            try await platform.startManager()

            // Unmet requirement: Unavailable, RequirementsFulfilled False.
            try await platform.apply(fixture: "\(Self.assets)/promise.yaml")
            let settled1 = await platform.eventually {
                let compound = await promise(platform, "compound-promise")
                return compound?[at: ["status", "status"]] == "Unavailable"
                    && compound?.condition("RequirementsFulfilled")?["reason"] == "RequirementsNotInstalled"
            }
            let seen1 = await promise(platform, "compound-promise")?.conditionSummary ?? []
            #expect(settled1, "\(seen1)")
            let unavailable = try #require(await promise(platform, "compound-promise"))
            #expect(unavailable.condition("RequirementsFulfilled")?["status"] == "False")
            #expect(unavailable[at: ["status", "requiredPromises"]]?.arrayValue?.first?["state"] == "Requirement not installed")

            // A request against it is accepted but Pending.
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "compound.test.kratix.io") != nil })
            try await platform.apply(fixture: "\(Self.assets)/resource-request.yaml")
            #expect(await platform.eventually {
                let request = await platform.get(Self.compounds, "example-compound-rr", namespace: "default")
                return request?[at: ["status", "message"]] == "Pending" && request?.condition("PromiseAvailable")?["status"] == "False"
            })
            let pending = try #require(await platform.get(Self.compounds, "example-compound-rr", namespace: "default"))
            #expect(pending.condition("PromiseAvailable")?["reason"] == "PromiseRequirementsNotInstalled")
            #expect(try await platform.list(.jobs, namespace: "default").isEmpty, "no workflow runs for a Pending request")

            // The required Promise arrives: the compound one becomes Available and the request is fulfilled.
            try await platform.apply(fixture: "\(Self.assets)/sub-promise.yaml")
            let settled2 = await platform.eventually {
                let compound = await promise(platform, "compound-promise")
                return compound?[at: ["status", "status"]] == "Available" && compound?.condition("RequirementsFulfilled")?["status"] == "True"
            }
            let seen2 = await promise(platform, "compound-promise")?.conditionSummary ?? []
            #expect(settled2, "\(seen2)")
            let settled3 = await platform.eventually {
                let request = await platform.get(Self.compounds, "example-compound-rr", namespace: "default")
                return request?[at: ["status", "message"]] == "Resource requested" && request?.condition("Reconciled")?["status"] == "True"
            }
            let seen3 = await platform.get(Self.compounds, "example-compound-rr", namespace: "default")?.conditionSummary ?? []
            #expect(settled3, "\(seen3)")
            let sub = try #require(await promise(platform, "sub-promise"))
            #expect(sub[at: ["status", "requiredBy"]]?.arrayValue?.first?[path: ["promise", "name"]] == "compound-promise",
                    "\(sub[at: ["status"]]?.description ?? "")")

            // Upgrading the required Promise keeps the compound one Available.
            try await platform.apply(fixture: "\(Self.assets)/sub-promise-v2.yaml")
            let lostAvailability = try await platform.changes(to: Promise.groupVersionResource, during: .seconds(2)) {
                $0.object.name == "compound-promise" && $0.object[at: ["status", "status"]] != "Available"
            }
            #expect(lostAvailability.isEmpty, "the compound Promise stays Available: \(PlatformHarness.describe(lostAvailability))")
            let upgraded = try #require(await promise(platform, "compound-promise"))
            #expect(upgraded[at: ["status", "status"]] == "Available")
            #expect(upgraded.condition("RequirementsFulfilled")?["status"] == "True")

            // Deleting the required Promise makes the compound one Unavailable again.
            try await platform.kubectl(["delete", "promise", "sub-promise"])
            #expect(await platform.eventually {
                await promise(platform, "compound-promise")?[at: ["status", "status"]] == "Unavailable"
            })

            // Deleting the compound Promise leaves its (re-installed) sub-Promise alone.
            try await platform.apply(fixture: "\(Self.assets)/sub-promise.yaml")
            try await platform.kubectl(["delete", "promise", "compound-promise"])
            #expect(await platform.eventually { await promise(platform, "compound-promise") == nil })
            #expect(await promise(platform, "sub-promise") != nil)
        }
    }
}
