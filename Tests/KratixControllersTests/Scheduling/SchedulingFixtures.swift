import Foundation
import KratixAPI
import KubeModel
@testable import KratixControllers

/// Small builders for the scheduling tests' objects.
enum SchedFixtures {
    static func destination(_ name: String, labels: [String: String] = [:], strict: Bool = false, path: String? = nil,
                            mode: FilepathMode = .nestedByMetadata, filename: String? = nil, deleting: Bool = false,
                            store: StateStoreReference = StateStoreReference(kind: .gitStateStore, name: "default")) -> Destination {
        var destination = Destination(name: name, spec: DestinationSpec(path: path ?? name, stateStoreRef: store))
        destination.metadata.labels = labels.isEmpty ? nil : labels
        destination.spec.strictMatchLabels = strict
        destination.spec.filepath = DestinationFilepath(mode: mode, filename: filename)
        if deleting { destination.metadata.deletionTimestamp = "2024-01-01T00:00:00Z" }
        return destination
    }

    static func selector(_ labels: [String: String], _ source: String) -> WorkloadGroupScheduling {
        WorkloadGroupScheduling(matchLabels: labels, source: source)
    }

    static func group(_ directory: String = ".", id: String? = nil, files: [String: String] = ["doc.yaml": "kind: A\n"],
                      selectors: [WorkloadGroupScheduling]? = nil) -> WorkloadGroup {
        let workloads = files.keys.sorted().map { Workload(filepath: $0, content: WorkloadContent.encode(files[$0]!)) }
        return WorkloadGroup(directory: directory, id: id ?? (directory == "." ? WorkPlacementNaming.rootGroupID : "id-\(directory)-0000000000000000000"),
                             workloads: workloads, destinationSelectors: selectors)
    }

    /// A resource Work (`resourceName` set) or a dependency Work (nil).
    static func work(_ name: String = "redis-example-configure-1a2b3", namespace: String = "default", resource: String? = "example",
                     groups: [WorkloadGroup], generation: Int64 = 3, pipeline: String? = "instance-configure",
                     labels: [String: String] = [:], annotations: [String: String]? = nil, uid: String = "work-uid") -> Work {
        var work = Work(name: name, namespace: namespace, spec: WorkSpec(promiseName: "redis", resourceName: resource, workloadGroups: groups))
        var all = labels
        if let pipeline { all[KratixLabels.pipelineName] = pipeline }
        work.metadata.labels = all.isEmpty ? nil : all
        work.metadata.annotations = annotations
        work.metadata.generation = generation
        work.metadata.uid = uid
        return work
    }

    /// A WorkPlacement as the scheduler would have made it for `work`, group and destination.
    static func placement(for work: Work, group: WorkloadGroup, destination: String, misplaced: Bool = false,
                          conditions: [Condition]? = nil) -> WorkPlacement {
        let name = WorkPlacementNaming.name(work: work.name, destination: destination, groupID: group.id ?? "")
        var placement = WorkPlacement(name: name, namespace: work.metadata.namespace ?? "")
        var labels = [KratixLabels.work: work.name, KratixLabels.workloadGroupID: group.id ?? "",
                      KratixLabels.targetDestinationName: destination,
                      KratixLabels.pipelineName: work.metadata.label(KratixLabels.pipelineName) ?? ""]
        if misplaced { labels[KratixLabels.misplaced] = "true" }
        placement.metadata.labels = labels
        placement.metadata.annotations = work.metadata.annotations
        placement.metadata.finalizers = [KratixFinalizers.workPlacementRepoCleanup]
        placement.metadata.ownerReferences = [OwnerReference(apiVersion: KratixGroup.apiVersion, kind: "Work", name: work.name,
                                                             uid: work.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)]
        placement.metadata.resourceVersion = "7"
        placement.spec.id = group.id
        placement.spec.promiseName = work.spec.promiseName
        placement.spec.resourceName = work.spec.resourceName
        placement.spec.targetDestinationName = destination
        placement.spec.workloads = group.workloads
        placement.spec.workGeneration = work.metadata.generation
        if let conditions {
            var status = WorkPlacementStatus()
            status.conditions = conditions
            placement.status = status
        }
        return placement
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
