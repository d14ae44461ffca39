/// Receives each new status of a pod as containers start and stop. Reports from concurrently
/// running containers may arrive out of order; ``PodStatus/sequence`` says which is newest.
public protocol PodStatusReporter: Sendable {
    func report(_ status: PodStatus, pod: PodIdentity) async
}
