import KubeClient
import KubeModel
import Logging

/// Writes a pod's status through the status subresource as the executor reports it, the way a
/// kubelet's status manager does: one write in flight at a time, a change that is not final held
/// for up to ``coalescingWindow`` so that the changes after it go out with it, and a final status
/// (Succeeded, Failed) written at once and never dropped (``flush()`` waits for it). A pod whose
/// containers finish within the window costs one status write instead of one per container state.
actor APIPodStatusWriter: PodStatusReporter {
    /// How long a status that is not final may wait for the next change.
    static let coalescingWindow: Duration = .milliseconds(100)

    private let client: KubeClient
    private let logger: Logger
    private let window: Duration
    private var pending: PodStatus?
    private var newest = 0
    private var writing = false
    private var idle: [CheckedContinuation<Void, Never>] = []
    /// The writer, waiting out the window; a final status wakes it early.
    private var waiting: CheckedContinuation<Void, Never>?
    private var gone = false

    init(client: KubeClient, logger: Logger, coalescingWindow: Duration = APIPodStatusWriter.coalescingWindow) {
        self.client = client
        self.logger = logger
        self.window = coalescingWindow
    }

    /// Takes the newest status and returns at once: the writes happen in a task of their own, so a
    /// pod's containers never wait for its status to be written.
    func report(_ status: PodStatus, pod: PodIdentity) async {
        guard status.sequence > newest else { return }
        newest = status.sequence
        pending = status
        if Self.isFinal(status), let waiter = waiting {
            waiting = nil
            waiter.resume()
        }
        guard !writing else { return }
        writing = true
        // Unstructured: it outlives this call by design; `flush()` waits for it.
        Task { await self.drain(pod: pod) }
    }

    private func drain(pod: PodIdentity) async {
        while let next = pending {
            if !Self.isFinal(next) && window > .zero { await waitOutWindow() }
            guard let latest = pending else { break }
            pending = nil
            await write(latest, pod: pod)
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

    static func isFinal(_ status: PodStatus) -> Bool {
        status.phase == .succeeded || status.phase == .failed
    }

    /// Sleeps for the window, or until a final status arrives.
    private func waitOutWindow() async {
        let window = self.window
        let timer = Task { [weak self] in
            try? await Task.sleep(for: window)
            await self?.endWait()
        }
        await withCheckedContinuation { waiting = $0 }
        timer.cancel()
    }

    private func endWait() {
        guard let waiter = waiting else { return }
        waiting = nil
        waiter.resume()
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
