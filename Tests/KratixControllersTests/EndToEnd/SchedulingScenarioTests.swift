import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import Testing
@testable import KratixControllers

/// acceptance-scenarios.md §3.3, scheduling: a Work is placed only once a Destination has every
/// label the Promise's selectors and the workflow's `destination-selectors.yaml` ask for; adding the
/// label later places it; changing the Promise's selectors places its dependencies on the new
/// Destination and leaves what was already delivered where it was, the old WorkPlacements marked
/// misplaced. A resource Work's placement is sticky (scheduling spec §4.5 A): it stays, misplaced.
@Suite(.serialized) struct SchedulingScenarioTests {
    static func promise(environment: String) -> String {
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: placed}
        spec:
          destinationSelectors:
            - matchLabels: {environment: \(environment)}
          api:
        \(PlatformHarness.openAPI(plural: "placeds", kind: "Placed"))
          workflows:
            promise:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: promise-configure}
                  spec:
                    containers:
                      - name: stage
                        image: busybox
                        command: ["sh", "-c", "echo '{apiVersion: v1, kind: Namespace, metadata: {name: placed}}' > /kratix/output/dep.yaml"]
            resource:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: deliver}
                  spec:
                    containers:
                      - name: stage
                        image: busybox
                        command:
                          - sh
                          - -c
                          - |
                            echo '{apiVersion: v1, kind: ConfigMap, metadata: {name: app}}' > /kratix/output/app.yaml
                            echo '- matchLabels: {zone: eu}' > /kratix/metadata/destination-selectors.yaml
        """
    }

    @Test func placementWaitsForEveryLabelAndFollowsSelectorChanges() async throws {
        try await PlatformHarness.with { platform in
            let repository = try await platform.gitDestinations(["worker-1": ["environment": "dev"], "worker-2": ["environment": "prod", "zone": "eu"]])
            try await platform.startManager()
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise(environment: "dev"))
            #expect(await platform.eventually { await platform.get(.customResourceDefinitions, "placeds.test.kratix.io") != nil })
            try await platform.kubectl(["apply", "-n", "default", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: Placed\nmetadata: {name: one}\n")
            let placeds = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "placeds")
            func works() async throws -> [KubeObject] {
                try await platform.list(Work.groupVersionResource, namespace: "default", labels: "kratix.io/promise-name=placed")
            }
            func placements() async throws -> [KubeObject] {
                try await platform.list(WorkPlacement.groupVersionResource, namespace: "default")
            }
            let file1 = "worker-1/resources/default/placed/one/deliver/5058f/app.yaml"
            let file2 = "worker-2/resources/default/placed/one/deliver/5058f/app.yaml"

            // worker-1 has environment=dev but not zone=eu: the Work waits, unscheduled; nothing is written.
            #expect(await platform.eventually { try await works().count == 1 })
            #expect(await platform.eventually {
                try await works().first?.condition("ScheduleSucceeded")?["reason"] == "UnscheduledWorkloads"
            }, "the Work reports that it waits for a destination")
            let placed = try await platform.changes(to: WorkPlacement.groupVersionResource, namespace: "default", during: .seconds(2))
            #expect(placed.isEmpty, "nothing is placed: \(PlatformHarness.describe(placed))")
            #expect(try await placements().isEmpty)
            #expect(try await repository.files().filter { $0.contains("/resources/default/placed/") }.isEmpty)

            // The missing label arrives: the Work is placed on worker-1 and delivered.
            try await platform.kubectl(["label", "destination", "worker-1", "zone=eu"])
            #expect(await platform.eventually { try await repository.files().contains(file1) })
            #expect(try await placements().map { $0.labels[KratixLabels.targetDestinationName] } == ["worker-1"])
            #expect(await platform.eventually {
                await platform.get(placeds, "one", namespace: "default")?.condition("Reconciled")?["status"] == "True"
            })

            // The Promise now selects prod: its dependencies are placed on worker-2 as well; what worker-1
            // got stays there, its WorkPlacements marked misplaced (the resource's stays put: sticky).
            let dependency1 = "worker-1/dependencies/placed/promise-configure/5058f/dep.yaml"
            let dependency2 = "worker-2/dependencies/placed/promise-configure/5058f/dep.yaml"
            #expect(try await repository.files().contains(dependency1))
            try await platform.kubectl(["apply", "-f", "-"], stdin: Self.promise(environment: "prod"))
            #expect(await platform.eventually(timeout: .seconds(90)) { try await repository.files().contains(dependency2) })
            #expect(await platform.eventually {
                let all = try await platform.list(WorkPlacement.groupVersionResource, namespace: KratixGroup.systemNamespace)
                return all.contains { $0.labels[KratixLabels.targetDestinationName] == "worker-1" && $0.labels["kratix.io/misplaced"] == "true" }
            }, "the dependency WorkPlacement on worker-1 is misplaced")
            #expect(await platform.eventually {
                try await placements().first?.labels["kratix.io/misplaced"] == "true"
            }, "the request's WorkPlacement on worker-1 is misplaced")
            let files = try await repository.files()
            #expect(files.contains(dependency1) && files.contains(file1), "already delivered content stays where it was: \(files)")
            #expect(!files.contains(file2), "a resource's placement is sticky")
            #expect(try await placements().map { $0.labels[KratixLabels.targetDestinationName] } == ["worker-1"])
            #expect(await platform.eventually {
                await platform.get(placeds, "one", namespace: "default")?.condition("WorksSucceeded")?["reason"] == "WorksMisplaced"
            }, "the request reports its misplaced Work")
        }
    }
}
