/// Long-running parts that come and go while the process runs (an informer and a controller per
/// Promise API), each stoppable on its own, all children of `run()`: when `run()` is cancelled or
/// returns, every part has stopped. Parts started before `run()` wait for it.
public actor TaskSet {
    public typealias Operation = @Sendable () async -> Void

    private var pending: [(id: String, operation: Operation)] = []
    private var running: [String: Task<Void, Never>] = [:]
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var finished = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Starts `operation` under `id` unless a part with that id runs already. Returns whether it started.
    @discardableResult
    public func start(_ id: String, _ operation: @escaping Operation) -> Bool {
        guard !finished, running[id] == nil, !pending.contains(where: { $0.id == id }) else { return false }
        pending.append((id, operation))
        wakeUp?.resume()
        wakeUp = nil
        return true
    }

    /// Cancels the part `id` and returns once it has stopped.
    public func stop(_ id: String) async {
        pending.removeAll { $0.id == id }
        guard let task = running[id] else { return }
        task.cancel()
        await task.value
    }

    public func isRunning(_ id: String) -> Bool { running[id] != nil || pending.contains { $0.id == id } }

    public var ids: [String] { Array(running.keys) + pending.map(\.id) }

    private func take() async -> [(id: String, operation: Operation)]? {
        while pending.isEmpty {
            if Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { wakeUp = $0 }
            } onCancel: {
                Task { await self.wake() }
            }
            if Task.isCancelled { return nil }
        }
        let batch = pending
        pending = []
        return batch
    }

    private func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }

    private func register(_ id: String, _ task: Task<Void, Never>) { running[id] = task }

    private func finished(_ id: String) {
        running[id] = nil
        if running.isEmpty, pending.isEmpty {
            let waiters = idleWaiters
            idleWaiters = []
            for w in waiters { w.resume() }
        }
    }

    /// Returns once no part is running (parts that return on graceful shutdown have all drained).
    public func waitUntilIdle() async {
        if running.isEmpty, pending.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func close() -> [Task<Void, Never>] {
        finished = true
        pending = []
        return Array(running.values)
    }

    /// Runs the parts until cancelled; then cancels them and waits for all of them.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while let batch = await take() {
                for (id, operation) in batch {
                    // An unstructured task (inheriting task-locals such as the graceful-shutdown
                    // signal) so that `stop(id)` can cancel this one part; the child awaits it, so it
                    // never outlives `run()`.
                    let task = Task { await operation() }
                    register(id, task)
                    group.addTask {
                        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
                        await self.finished(id)
                    }
                }
            }
            for task in close() { task.cancel() }
        }
    }
}
