import Foundation
import KubeModel

/// Which container of a pod a status belongs to.
enum ContainerSlot: Sendable, Hashable {
    case initContainer(Int)
    case container(Int)
}

/// A running pod's status, shared by its containers (main containers run concurrently), with the
/// pod conditions derived from the container states after every change, and every change reported.
actor PodStatusTracker {
    private(set) var status: PodStatus
    private let reporter: any PodStatusReporter
    private let pod: PodIdentity

    init(status: PodStatus, reporter: any PodStatusReporter, pod: PodIdentity) {
        self.status = status
        self.reporter = reporter
        self.pod = pod
    }

    static func now() -> String { Timestamp.format(Date()) }

    /// Applies `change`, recomputes the conditions and reports the result.
    func update(_ change: @Sendable (inout PodStatus) -> Void) async {
        change(&status)
        Self.deriveConditions(&status, now: Self.now())
        status.sequence += 1
        await reporter.report(status, pod: pod)
    }

    func setState(_ slot: ContainerSlot, _ state: ContainerState, containerID: String? = nil) async {
        await update { status in
            status.modifyContainer(slot) { container in
                container.state = state
                if let containerID { container.containerID = containerID }
            }
        }
    }

    /// Initialized, ContainersReady and Ready, as the kubelet computes them from container states.
    static func deriveConditions(_ status: inout PodStatus, now: String) {
        let unfinishedInit = status.initContainerStatuses.filter { $0.termination?.exitCode != 0 }.map(\.name)
        if unfinishedInit.isEmpty {
            status.setCondition("Initialized", true, now: now)
        } else {
            status.setCondition("Initialized", false, reason: "ContainersNotInitialized",
                                message: "containers with incomplete status: [\(unfinishedInit.joined(separator: " "))]", now: now)
        }
        if status.isFinished {
            status.setCondition("ContainersReady", false, reason: "PodCompleted", now: now)
            status.setCondition("Ready", false, reason: "PodCompleted", now: now)
            return
        }
        let unready = status.containerStatuses.filter { !$0.isRunning }.map(\.name)
        if unready.isEmpty {
            status.setCondition("ContainersReady", true, now: now)
            status.setCondition("Ready", true, now: now)
        } else {
            let message = "containers with unready status: [\(unready.joined(separator: " "))]"
            status.setCondition("ContainersReady", false, reason: "ContainersNotReady", message: message, now: now)
            status.setCondition("Ready", false, reason: "ContainersNotReady", message: message, now: now)
        }
    }
}

extension PodStatus {
    mutating func modifyContainer(_ slot: ContainerSlot, _ change: (inout ContainerStatus) -> Void) {
        switch slot {
        case .initContainer(let index) where initContainerStatuses.indices.contains(index):
            change(&initContainerStatuses[index])
        case .container(let index) where containerStatuses.indices.contains(index):
            change(&containerStatuses[index])
        default:
            break
        }
    }

    func container(_ slot: ContainerSlot) -> ContainerStatus? {
        switch slot {
        case .initContainer(let index): return initContainerStatuses.indices.contains(index) ? initContainerStatuses[index] : nil
        case .container(let index): return containerStatuses.indices.contains(index) ? containerStatuses[index] : nil
        }
    }
}
