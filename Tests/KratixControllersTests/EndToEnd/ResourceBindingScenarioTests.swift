import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// revisions-dryrun-and-2026-changes.md §1 acceptance scenarios 3–11, 12 (garbage collection) and
/// 13, through kubectl on the embedded API server with the manager and the Job runner: each request
/// gets a binding, runs with the revision it names, and moves between versions as upstream's
/// system test `promise_revision_test.go` drives it (its Promise, with a pipeline that writes a
/// ConfigMap named after the version).
@Suite(.serialized) struct ResourceBindingScenarioTests {
    static let bindings = ResourceBinding.groupVersionResource
    static let revisions = PromiseRevision.groupVersionResource
    static let upgrades = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "upgrades")

    /// Upstream's `promise-revision` assets: v0.1.0-BETA writes `before-upgrade-<name>`,
    /// v0.2.0-NEXTVERSION (and v9.9.9) `after-upgrade-<name>`, v0.3.0-FAILING fails.
    static func promise(version: String) -> String {
        let prefix = version.hasPrefix("v0.1") ? "before-upgrade" : "after-upgrade"
        let body = version.hasPrefix("v0.3") ? "echo failing on purpose; exit 1" :
            #"name=$(yq '.spec.configMapName' /kratix/input/object.yaml); printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \#(prefix)-%s\n  namespace: default\ndata:\n  key: value\n' "$name" > /kratix/output/configmap.yaml"#
        return """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata:
              name: upgrade
              labels: {kratix.io/promise-version: \(version)}
            spec:
              api:
            \(PlatformHarness.openAPI(plural: "upgrades", kind: "Upgrade"))
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: resource-configure}
                      spec:
                        containers:
                          - image: ghcr.io/syntasso/kratix-pipeline-utility:v0.0.1
                            name: gen-configmap
                            command: [/bin/sh]
                            args:
                              - -c
                              - |
                                set -eu
                                \(body)
            """
    }

    static func request(_ name: String) -> String {
        """
        apiVersion: test.kratix.io/v1alpha1
        kind: Upgrade
        metadata: {name: \(name), namespace: default}
        spec: {configMapName: \(name)}
        """
    }

    static func binding(of request: String, _ platform: PlatformHarness) async throws -> [KubeObject] {
        try await platform.list(bindings, namespace: "default", labels: "kratix.io/promise-name=upgrade,kratix.io/resource-name=\(request)")
    }

    /// The names of the ConfigMaps in the request's Works.
    static func output(of request: String, _ platform: PlatformHarness) async throws -> [String] {
        let works = try await platform.list(Work.groupVersionResource, namespace: "default",
                                            labels: "kratix.io/promise-name=upgrade,kratix.io/resource-name=\(request)")
        var names: [String] = []
        for work in works {
            for group in work[at: ["spec", "workloadGroups"]]?.arrayValue ?? [] {
                for workload in group["workloads"]?.arrayValue ?? [] {
                    let bytes = try WorkloadContent.decode(workload["content"]?.stringValue ?? "")
                    let text = String(decoding: bytes, as: UTF8.self)
                    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("  name: ") }) {
                        names.append(String(line.dropFirst(8)))
                    }
                }
            }
        }
        return names.sorted()
    }

    static func requestStatus(_ name: String, _ key: String, _ platform: PlatformHarness) async -> String? {
        await platform.get(upgrades, name, namespace: "default")?.status?[key]?.stringValue
    }

    /// `status/reason/message` of the binding's UpgradeSucceeded condition, or nil.
    static func upgradeCondition(_ binding: KubeObject?) -> String? {
        binding?.condition("UpgradeSucceeded").map {
            "\($0["status"]?.stringValue ?? "")/\($0["reason"]?.stringValue ?? "")/\($0["message"]?.stringValue ?? "")"
        }
    }

    @Test func requestsFollowTheirBindingsAcrossPromiseVersions() async throws {
        try await PlatformHarness.with { platform in
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise(version: "v0.1.0-BETA"))
            try await Self.firstRequests(platform)
            try await Self.labelsFollowTheRequest(platform)
            try await Self.upgradeWithOnePinned(platform)
            try await Self.upgradeThePinnedOne(platform)
            try await Self.failingVersion(platform)
            try await Self.backToAWorkingVersion(platform)
            try await Self.deletedBindingsComeBack(platform)
            try await Self.preCreatedBinding(platform)
            try await Self.bindingToAMissingVersion(platform)
            try await Self.deletingAnOldRevision(platform)
        }
    }

    /// Scenario 3: a binding per request, floating; versions in status once the workflow is done,
    /// and no UpgradeSucceeded condition on a fresh request.
    static func firstRequests(_ platform: PlatformHarness) async throws {
        let reconciled = await platform.eventually(timeout: .seconds(60)) {
            await platform.get(revisions, PromiseReconciler.revisionName(promise: "upgrade", version: "v0.1.0-BETA"))?[at: ["status", "latest"]] == true
        }
        #expect(reconciled)
        try await platform.kubectl(["apply", "-f", "-"], stdin: request("one") + "\n---\n" + request("two"))
        let done = await platform.eventually(timeout: .seconds(90)) {
            let one = await requestStatus("one", "promiseVersion", platform), two = await requestStatus("two", "promiseVersion", platform)
            return one == "v0.1.0-BETA" && two == "v0.1.0-BETA"
        }
        await platform.reportFailedPods(namespace: "default")
        #expect(done)
        #expect(await requestStatus("one", "resourceBindingVersion", platform) == "latest")

        let found = try await binding(of: "one", platform)
        #expect(found.count == 1)
        let binding = try #require(found.first)
        let name = KratixObjectName.deterministic("one-upgrade")
        #expect(binding.name == name)
        #expect(binding.labels["kratix.io/promise-name"] == "upgrade" && binding.labels["kratix.io/resource-name"] == "one")
        #expect(binding.spec?["version"] == "latest")
        #expect(binding.spec?["resourceRef"] == ["name": "one", "namespace": "default"])
        let applied = await platform.eventually(timeout: .seconds(30)) {
            try await Self.binding(of: "one", platform).first?.status?["lastAppliedVersion"] == "v0.1.0-BETA"
        }
        #expect(applied)
        #expect(upgradeCondition(try await Self.binding(of: "one", platform).first) == nil, "a fresh request has no UpgradeSucceeded")
        #expect(try await output(of: "one", platform) == ["before-upgrade-one"])

        let events = try await platform.events(about: "one")
        #expect(events.contains("Normal BindingCreated: Binding \(name) created for promise upgrade version latest"), "\(events)")
        let revision = PromiseReconciler.revisionName(promise: "upgrade", version: "v0.1.0-BETA")
        #expect(events.contains("Normal ReconcileStarted: reconciling resource request with promise revision \(revision)"))
        #expect(events.contains("Normal ReconcileSucceeded: Resource request reconciled with promise upgrade version v0.1.0-BETA"))
        #expect(events.contains("Normal ResourceBindingVersionUpdated: Resource binding version updated to latest"))
        let table = try await platform.kubectl(["get", "resourcebindings", "-n", "default"])
        #expect(table.hasPrefix("NAME") && table.contains("RESOURCE") && table.contains("DESIRED") && table.contains("APPLIED"), "\(table)")
    }

    /// Scenario 4: the binding's labels are the request's, wholesale.
    static func labelsFollowTheRequest(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["label", "upgrade", "one", "-n", "default", "environment=staging"])
        let labelled = await platform.eventually(timeout: .seconds(30)) {
            try await Self.binding(of: "one", platform).first?.labels
                == ["environment": "staging", "kratix.io/promise-name": "upgrade", "kratix.io/resource-name": "one"]
        }
        #expect(labelled)
        try await platform.kubectl(["label", "upgrade", "one", "-n", "default", "environment-"])
        let unlabelled = await platform.eventually(timeout: .seconds(30)) {
            try await Self.binding(of: "one", platform).first?.labels == ["kratix.io/promise-name": "upgrade", "kratix.io/resource-name": "one"]
        }
        #expect(unlabelled)
    }

    /// Scenario 5: with two pinned to v0.1.0-BETA, a new version moves one only.
    static func upgradeWithOnePinned(_ platform: PlatformHarness) async throws {
        let twoBinding = try #require(try await binding(of: "two", platform).first?.name)
        try await platform.kubectl(["patch", "resourcebinding", twoBinding, "-n", "default", "--type=merge", "-p", #"{"spec":{"version":"v0.1.0-BETA"}}"#])
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise(version: "v0.2.0-NEXTVERSION"))
        let moved = await platform.eventually(timeout: .seconds(90)) {
            let oneVersion = await requestStatus("one", "promiseVersion", platform)
            let oneOutput = try await output(of: "one", platform)
            let applied = try await Self.binding(of: "one", platform).first?.status?["lastAppliedVersion"]
            return oneVersion == "v0.2.0-NEXTVERSION" && oneOutput == ["after-upgrade-one"] && applied == "v0.2.0-NEXTVERSION"
        }
        await platform.reportFailedPods(namespace: "default")
        let oneOutput = try await output(of: "one", platform)
        #expect(moved, "\(oneOutput)")
        let old = await platform.get(revisions, PromiseReconciler.revisionName(promise: "upgrade", version: "v0.1.0-BETA"))
        #expect(old?.labels["kratix.io/latest-revision"] == nil && old?[at: ["status", "latest"]] == nil)
        #expect(upgradeCondition(try await binding(of: "one", platform).first) == "True/UpgradeComplete/Resource is at version v0.2.0-NEXTVERSION")
        // The pinned request ran again (upstream issue #815) with its revision's frozen spec.
        let settled = await platform.eventually(timeout: .seconds(60)) {
            let two = await platform.get(upgrades, "two", namespace: "default")
            return two?.labels["internal.workflows.kratix.io/run-from-start"] == nil
                && two?.condition("ConfigureWorkflowCompleted")?["status"] == "True"
        }
        #expect(settled)
        #expect(await requestStatus("two", "promiseVersion", platform) == "v0.1.0-BETA")
        #expect(try await output(of: "two", platform) == ["before-upgrade-two"])
    }

    /// Scenario 6: moving the pinned binding upgrades that request, announced on the binding.
    static func upgradeThePinnedOne(_ platform: PlatformHarness) async throws {
        let twoBinding = try #require(try await binding(of: "two", platform).first?.name)
        async let bindingChanges = platform.changes(to: bindings, namespace: "default", during: .seconds(15))
        async let requestChanges = platform.changes(to: upgrades, namespace: "default", during: .seconds(15))
        try await platform.kubectl(["patch", "resourcebinding", twoBinding, "-n", "default", "--type=merge", "-p", #"{"spec":{"version":"v0.2.0-NEXTVERSION"}}"#])
        let upgraded = await platform.eventually(timeout: .seconds(90)) {
            let version = await requestStatus("two", "promiseVersion", platform)
            let condition = upgradeCondition(try await binding(of: "two", platform).first)
            return version == "v0.2.0-NEXTVERSION" && condition == "True/UpgradeComplete/Resource is at version v0.2.0-NEXTVERSION"
        }
        let twoNow = try await binding(of: "two", platform).first
        #expect(upgraded, "\(upgradeCondition(twoNow) ?? "none")")
        #expect(try await output(of: "two", platform) == ["after-upgrade-two"])
        let seenConditions = try await bindingChanges.filter { $0.object.name == twoBinding }.compactMap { upgradeCondition($0.object) }
        #expect(seenConditions.contains("Unknown/UpgradeInProgress/Upgrade to version v0.2.0-NEXTVERSION is in progress"), "\(seenConditions)")
        let labelled = try await requestChanges.contains { $0.object.name == "two" && $0.object.labels["kratix.io/manual-reconciliation"] == "true" }
        #expect(labelled)
    }

    /// Scenario 7: a failing version leaves the binding False with the failed version, and it stays
    /// so; a manual reconciliation on the binding tries again.
    static func failingVersion(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise(version: "v0.3.0-FAILING"))
        let failed = await platform.eventually(timeout: .seconds(90)) {
            let binding = try await binding(of: "one", platform).first
            return upgradeCondition(binding)?.hasPrefix("False/UpgradeFailed/") == true
                && binding?.status?["failedVersion"] == "v0.3.0-FAILING" && binding?.status?["lastAppliedVersion"] == "v0.2.0-NEXTVERSION"
        }
        let oneFailed = try await binding(of: "one", platform).first?.status ?? .null
        #expect(failed, "\(oneFailed)")
        let oneBinding = try #require(try await binding(of: "one", platform).first?.name)
        let flips = try await platform.changes(to: bindings, namespace: "default", during: .seconds(3)) {
            $0.object.name == oneBinding && upgradeCondition($0.object)?.hasPrefix("False/") != true
        }
        #expect(flips.isEmpty, "no oscillation: \(flips.compactMap { upgradeCondition($0.object) })")

        let jobsBefore = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=one").count
        try await platform.kubectl(["label", "resourcebinding", oneBinding, "-n", "default", "kratix.io/manual-reconciliation=true"])
        let retried = await platform.eventually(timeout: .seconds(90)) {
            let binding = try await binding(of: "one", platform).first
            let jobs = try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=one").count
            return binding?.labels["kratix.io/manual-reconciliation"] == nil && jobs > jobsBefore
                && upgradeCondition(binding)?.hasPrefix("False/UpgradeFailed/") == true && binding?.status?["failedVersion"] == "v0.3.0-FAILING"
        }
        #expect(retried)
    }

    /// Scenario 8: back to a working version, the binding is True again and the failure forgotten.
    static func backToAWorkingVersion(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise(version: "v0.2.0-NEXTVERSION"))
        let recovered = await platform.eventually(timeout: .seconds(90)) {
            let binding = try await binding(of: "one", platform).first
            return upgradeCondition(binding)?.hasPrefix("True/") == true && binding?.status?["lastAppliedVersion"] == "v0.2.0-NEXTVERSION"
                && binding?.status?["failedVersion"] == nil
        }
        let oneRecovered = try await binding(of: "one", platform).first?.status ?? .null
        #expect(recovered, "\(oneRecovered)")
    }

    /// Scenario 9: deleted bindings are made again with the versions they had.
    static func deletedBindingsComeBack(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["delete", "resourcebindings", "--all", "-n", "default"])
        let back = await platform.eventually(timeout: .seconds(30)) {
            let one = try await binding(of: "one", platform), two = try await binding(of: "two", platform)
            return one.count == 1 && two.count == 1 && one[0].spec?["version"] == "latest" && two[0].spec?["version"] == "v0.2.0-NEXTVERSION"
        }
        #expect(back)
    }

    /// Scenario 10: a binding made before its request is adopted and honoured.
    static func preCreatedBinding(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: platform.kratix.io/v1alpha1
            kind: ResourceBinding
            metadata:
              name: pre-created-binding-for-rr-three
              namespace: default
              labels: {kratix.io/promise-name: upgrade, kratix.io/resource-name: three}
            spec:
              version: v0.1.0-BETA
              promiseRef: {name: upgrade}
              resourceRef: {name: three, namespace: default}
            """)
        try await platform.kubectl(["apply", "-f", "-"], stdin: request("three"))
        let reconciled = await platform.eventually(timeout: .seconds(90)) {
            // (No Destination here, so its Works are never scheduled: the workflow is what completes.)
            let ready = await platform.get(upgrades, "three", namespace: "default")?.condition("ConfigureWorkflowCompleted")?["status"] == "True"
            let version = await requestStatus("three", "promiseVersion", platform)
            return ready && version == "v0.1.0-BETA"
        }
        #expect(reconciled)
        #expect(try await binding(of: "three", platform).map(\.name) == ["pre-created-binding-for-rr-three"])
        #expect(try await output(of: "three", platform) == ["before-upgrade-three"])
    }

    /// Scenario 11: a binding to a version without a revision stops the request with a Warning
    /// until that version is installed.
    static func bindingToAMissingVersion(_ platform: PlatformHarness) async throws {
        try await platform.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: platform.kratix.io/v1alpha1
            kind: ResourceBinding
            metadata:
              name: four-pinned-to-nine
              namespace: default
              labels: {kratix.io/promise-name: upgrade, kratix.io/resource-name: four}
            spec:
              version: v9.9.9
              promiseRef: {name: upgrade}
              resourceRef: {name: four, namespace: default}
            """)
        try await platform.kubectl(["apply", "-f", "-"], stdin: request("four"))
        let warned = await platform.eventually(timeout: .seconds(30)) {
            try await platform.events(about: "four").contains {
                $0 == "Warning FailedPromiseRevisionLookup: cannot find a PromiseRevision for Promise upgrade with version v9.9.9: promise revision not found"
            }
        }
        #expect(warned)
        #expect(try await platform.list(.jobs, namespace: "default", labels: "kratix.io/resource-name=four").isEmpty)
        try await platform.kubectl(["apply", "-f", "-"], stdin: promise(version: "v9.9.9"))
        let reconciled = await platform.eventually(timeout: .seconds(90)) {
            await requestStatus("four", "promiseVersion", platform) == "v9.9.9"
        }
        #expect(reconciled)
    }

    /// Scenario 12, without the admission part: deleting a revision that is not latest deletes the
    /// requests pinned to its version and their bindings; floating requests stay.
    static func deletingAnOldRevision(_ platform: PlatformHarness) async throws {
        let beta = PromiseReconciler.revisionName(promise: "upgrade", version: "v0.1.0-BETA")
        try await platform.kubectl(["delete", "promiserevision", beta, "--wait=false"])
        let gone = await platform.eventually(timeout: .seconds(60)) {
            let three = await platform.get(upgrades, "three", namespace: "default")
            let revision = await platform.get(revisions, beta)
            let bindingsLeft = try await binding(of: "three", platform)
            return three == nil && revision == nil && bindingsLeft.isEmpty
        }
        #expect(gone)
        #expect(await platform.get(upgrades, "one", namespace: "default") != nil)
        #expect(await platform.get(upgrades, "two", namespace: "default") != nil)
    }

    /// Scenario 13: under the `pinned` strategy a new request's binding names the version that is
    /// latest when it is made. (A Promise without workflows: its requests are reconciled at once.)
    @Test func pinnedStrategyPinsNewBindings() async throws {
        try await PlatformHarness.with { platform in
            try await platform.kratixConfig("resourceBindingVersionStrategy: pinned")
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata:
                  name: plain
                  labels: {kratix.io/promise-version: v1.0.0}
                spec:
                  api:
                \(PlatformHarness.openAPI(plural: "plains", kind: "Plain"))
                """)
            let plains = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "plains")
            let served = await platform.eventually(timeout: .seconds(60)) {
                await platform.get(Promise.groupVersionResource, "plain")?.condition("Available")?["status"] == "True"
            }
            #expect(served)
            try await platform.kubectl(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: Plain\nmetadata: {name: p, namespace: default}\nspec: {}\n")
            let pinned = await platform.eventually(timeout: .seconds(30)) {
                let binding = try await platform.list(Self.bindings, namespace: "default", labels: "kratix.io/resource-name=p").first
                let status = await platform.get(plains, "p", namespace: "default")?.status
                return binding?.spec?["version"] == "v1.0.0" && binding?.status?["lastAppliedVersion"] == "v1.0.0"
                    && status?["promiseVersion"] == "v1.0.0" && status?["resourceBindingVersion"] == "v1.0.0"
            }
            #expect(pinned)
            let binding = try await platform.list(Self.bindings, namespace: "default", labels: "kratix.io/resource-name=p").first
            #expect(binding?.name == "p-plain-\(KratixHash.md5Hex("p-plain").prefix(5))")
            #expect(Self.upgradeCondition(binding) == nil)

            // Deleting the request takes its binding with it.
            try await platform.kubectl(["delete", "plain", "p", "-n", "default"])
            #expect(try await platform.list(Self.bindings, namespace: "default").isEmpty)
        }
    }
}

/// The pieces of §1.6–1.8 that are pure rules.
@Suite struct ResourceBindingRuleTests {
    @Test func namesAndLabelValues() {
        // §1.6's example: request `example`, Promise `redis`.
        #expect(KratixObjectName.deterministic("example-redis") == "example-redis-e7f90")
        let long = String(repeating: "a", count: 70)
        #expect(ResourceRequestReconciler.resourceLabelValue("example") == "example")
        #expect(ResourceRequestReconciler.resourceLabelValue(long) == KratixObjectName.deterministic(long))
        #expect(ResourceRequestReconciler.resourceLabelValue(long).count <= 63)
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFreshRequestGetsItsVersionButNoCondition() {
        var status = BindingUpgradeStatus(nil)
        let changed1 = status.workflowRunning(attempted: "v1", now: Self.now)
        #expect(!changed1, "nothing to announce on a first run")
        let changed2 = status.workflowSucceeded(applied: "v1", attempted: "v1", now: Self.now)
        #expect(changed2)
        #expect(status.lastAppliedVersion == "v1" && status.condition == nil)
        let changed3 = status.workflowSucceeded(applied: "v1", attempted: "v1", now: Self.now)
        #expect(!changed3, "nothing changes the second time")
    }

    @Test func anUpgradeRunsFailsAndRecovers() {
        var status = BindingUpgradeStatus(nil)
        _ = status.workflowSucceeded(applied: "v1", attempted: "v1", now: Self.now)
        let changed4 = status.workflowRunning(attempted: "v2", now: Self.now)
        #expect(changed4)
        #expect(status.condition?.message == "Upgrade to version v2 is in progress" && status.inFlightVersion == "v2")
        let changed5 = status.workflowFailed(attempted: "v2", applied: "v1", message: "A Configure Pipeline has failed: p", now: Self.now)
        #expect(changed5)
        #expect(status.failedVersion == "v2" && status.lastAppliedVersion == "v1" && status.condition?.status == .false)
        #expect(status.lastAttemptFailed(for: "v2") && !status.advertisesUpgradeInProgress && status.inFlightVersion == "")
        let changed6 = status.workflowFailed(attempted: "v2", applied: "v1", message: "A Configure Pipeline has failed: p", now: Self.now)
        #expect(!changed6)
        let changed7 = status.workflowSucceeded(applied: "v1", attempted: "v1", now: Self.now.addingTimeInterval(5))
        #expect(changed7)
        #expect(status.failedVersion == "" && status.condition?.status == .true && status.condition?.reason == "UpgradeComplete")
        #expect(status.condition?.lastTransitionTime == Timestamp.format(Self.now.addingTimeInterval(5)))
    }

    @Test func theBindingControllerAnnouncesAnUpgrade() {
        var status = BindingUpgradeStatus(nil)
        status.requestUpgrade(to: "v3", manual: true, now: Self.now)
        #expect(status.condition?.message == "Reconciliation requested for version v3" && status.inFlightVersion == "v3")
        status.requestUpgrade(to: "v4", manual: false, now: Self.now)
        #expect(status.advertisesUpgradeInProgress && status.inFlightVersion == "v4")
        #expect(status.json["conditions"]?.arrayValue?.first?["type"] == "UpgradeSucceeded")
    }
}
