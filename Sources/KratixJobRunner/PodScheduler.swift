import KubeRuntime
import KubeModel

/// The pods this runner has taken on, and the slots they run in: at most `parallelism` run at
/// once, the others wait in order (their Pod objects stay `Pending`).
actor PodScheduler {
    struct Entry: Sendable {
        var pod: KubeObject
        var uid: String
        var jobUID: String
        var jobKey: ObjectKey
        var cancellation: PodCancellation
    }

    /// What ``cancel(_:reason:)`` found.
    enum Disposition: Sendable, Equatable {
        /// It was waiting for a slot and has been dropped: nothing ran, its status is the caller's to write.
        case wasQueued
        /// It is running: its run stops and writes the final status.
        case wasRunning
        case unknown
    }

    private let parallelism: Int
    private var queue: [Entry] = []
    private var running: [String: Entry] = [:]
    private var waiter: CheckedContinuation<Entry?, Never>?
    private var closed = false
    /// Uids of Jobs seen deleted (the most recent ``tombstoneLimit``): a pod created for one of them
    /// by a reconcile that raced with the deletion is refused.
    private var deletedJobs: Set<String> = []
    private var deletedJobOrder: [String] = []
    static let tombstoneLimit = 1024

    init(parallelism: Int) {
        self.parallelism = max(1, parallelism)
    }

    /// Takes a pod on; it runs when a slot is free. Returns `false` when its Job has been deleted
    /// (the caller deletes the pod) or the scheduler is closed.
    func submit(_ entry: Entry) -> Bool {
        guard !closed, !deletedJobs.contains(entry.jobUID) else { return false }
        queue.append(entry)
        dispatch()
        return true
    }

    func isDeleted(job uid: String) -> Bool { deletedJobs.contains(uid) }

    /// The next pod to run, once a slot is free; `nil` once closed. One caller at a time.
    func next() async -> Entry? {
        if closed { return nil }
        if let entry = take() { return entry }
        return await withCheckedContinuation { waiter = $0 }
    }

    /// A pod's run ended: its slot is free.
    func finished(_ uid: String) {
        running[uid] = nil
        dispatch()
    }

    /// Uids of every pod taken on and not finished.
    /// Whether a pod submitted now would wait for a slot.
    var isFull: Bool { running.count + queue.count >= parallelism }

    /// How many pods may run at once.
    var slots: Int { parallelism }

    var localPods: Set<String> {
        Set(running.keys).union(queue.map(\.uid))
    }

    func cancel(_ uid: String, reason: PodCancellation.Reason) -> Disposition {
        if let index = queue.firstIndex(where: { $0.uid == uid }) {
            queue.remove(at: index)
            return .wasQueued
        }
        if let entry = running[uid] {
            entry.cancellation.cancel(reason)
            return .wasRunning
        }
        return .unknown
    }

    /// Stops every pod of a deleted Job and refuses new ones; returns the queued ones that never ran.
    func jobDeleted(uid jobUID: String) -> [Entry] {
        if deletedJobs.insert(jobUID).inserted {
            deletedJobOrder.append(jobUID)
            if deletedJobOrder.count > Self.tombstoneLimit { deletedJobs.remove(deletedJobOrder.removeFirst()) }
        }
        return cancelJob(uid: jobUID, reason: .deleted)
    }

    /// Stops every pod of a Job; returns the queued ones that never ran.
    func cancelJob(uid jobUID: String, reason: PodCancellation.Reason) -> [Entry] {
        let dropped = queue.filter { $0.jobUID == jobUID }
        queue.removeAll { $0.jobUID == jobUID }
        for entry in running.values where entry.jobUID == jobUID { entry.cancellation.cancel(reason) }
        return dropped
    }

    /// Stops taking pods and stops the running ones (runner shutdown). Queued pods stay `Pending`
    /// for the next runner to clean up.
    func close(reason: PodCancellation.Reason) {
        closed = true
        queue.removeAll()
        for entry in running.values { entry.cancellation.cancel(reason) }
        waiter?.resume(returning: nil)
        waiter = nil
    }

    private func take() -> Entry? {
        guard running.count < parallelism, !queue.isEmpty else { return nil }
        let entry = queue.removeFirst()
        running[entry.uid] = entry
        return entry
    }

    private func dispatch() {
        guard let waiting = waiter, let entry = take() else { return }
        waiter = nil
        waiting.resume(returning: entry)
    }
}
