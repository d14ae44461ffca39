import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// Upstream's WorkflowJobPodCleanup controller (revisions spec §3), started when
/// `workflows.jobOptions.podTTLSecondsAfterFinished` is positive: the Pods of a finished workflow
/// Job go that long after it finished, while the Job itself stays (it still shows the run, and
/// counts toward `numberOfJobsToKeep`).
public struct WorkflowJobPodCleanup: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public let ttl: Duration
    public var now: @Sendable () -> Date = { Date() }

    public init(client: KubeClient, reader: any ObjectReader, ttlSeconds: Int64) {
        self.client = client
        self.reader = reader
        self.ttl = .seconds(ttlSeconds)
    }

    /// Only finished Jobs are of interest; deletions need nothing.
    public static let filter = EventFilter { event in
        if case .deleted = event { return false }
        return terminalTime(event.object) != nil
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let job = try await reader.get(.jobs, name: key.name, namespace: key.namespace),
              let finished = Self.terminalTime(job) else { return .done }
        let remaining = finished.addingTimeInterval(ttl.timeIntervalValue).timeIntervalSince(now())
        // A huge TTL is scheduled a year ahead at most (in milliseconds it would overflow).
        if remaining > 0 { return .requeueAfter(.scheduled(seconds: remaining)) }
        let name = job.name ?? ""
        let pods = try await client.listAll(.pods, namespace: job.namespace,
                                            options: ListOptions(labelSelector: "batch.kubernetes.io/job-name=\(name)")).items
        for pod in pods where Self.ownedBy(job, pod) && pod.deletionTimestamp == nil {
            try await client.deleteIfPresent(.pods, name: pod.name ?? "", namespace: pod.namespace)
        }
        return .done
    }

    /// `status.completionTime`, or else the latest transition of a True `Failed` condition; nil
    /// while the Job is not finished.
    static func terminalTime(_ job: KubeObject) -> Date? {
        let conditions = job.status?["conditions"]?.arrayValue ?? []
        let terminal = conditions.contains {
            ["Complete", "Failed"].contains($0["type"]?.stringValue ?? "") && $0["status"]?.stringValue == "True"
        }
        guard terminal else { return nil }
        if let completion = job.status?["completionTime"]?.stringValue.flatMap(Timestamp.parse) { return completion }
        return conditions.filter { $0["type"]?.stringValue == "Failed" && $0["status"]?.stringValue == "True" }
            .compactMap { $0["lastTransitionTime"]?.stringValue.flatMap(Timestamp.parse) }.max()
    }

    /// A Job owner reference with the Job's name, and its uid when both sides have one.
    static func ownedBy(_ job: KubeObject, _ pod: KubeObject) -> Bool {
        (pod.json["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { reference in
            guard reference["kind"]?.stringValue == "Job", reference["name"]?.stringValue == job.name else { return false }
            let uid = reference["uid"]?.stringValue ?? "", jobUID = job.uid ?? ""
            return uid.isEmpty || jobUID.isEmpty || uid == jobUID
        }
    }
}
