import KubeClient
import KubeModel
import Logging

/// Writes a pod's status through the status subresource as the executor reports it: one write in
/// flight at a time, intermediate states coalesced to the newest, the final one never dropped
/// (``flush()`` waits for it).
actor APIPodStatusWriter: PodStatusReporter {
    private let client: KubeClient
    private let logger: Logger
    private var pending: PodStatus?
    private var newest = 0
    private var writing = false
    private var idle: [CheckedContinuation<Void, Never>] = []
    private var gone = false

    init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    func report(_ status: PodStatus, pod: PodIdentity) async {
        guard status.sequence > newest else { return }
        newest = status.sequence
        pending = status
        guard !writing else { return }
        writing = true
        while let next = pending {
            pending = nil
            await write(next, pod: pod)
        }
        writing = false
        let waiters = idle
        idle.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once every reported status has been written (or given up on).
    func flush() async {
        guard writing else { return }
        await withCheckedContinuation { idle.append($0) }
    }

    private func write(_ status: PodStatus, pod: PodIdentity) async {
        guard !gone else { return }
        var delay = Duration.milliseconds(200)
        for attempt in 1...5 {
            do {
                _ = try await client.patch(.pods, name: pod.name, namespace: pod.namespace, .merge(["status": status.json]), subresource: "status")
                return
            } catch .notFound {
                gone = true
                return
            } catch {
                if attempt == 5 || Task.isCancelled {
                    logger.warning("pod status could not be written", metadata: ["pod": "\(pod)", "phase": "\(status.phase.rawValue)", "error": "\(error)"])
                    return
                }
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }
}
