import Clocks
import DequeModule
import HeapModule
import Metrics

/// The queue between a controller's triggers and its workers, with client-go's guarantees:
/// a key queued many times before it runs runs once; a key is never handed to two workers at
/// once (re-added while running, it runs again after `done`); delayed and rate-limited adds;
/// shutdown that lets running keys finish. Memory is bounded by the number of distinct keys.
/// Delays run on the `clock` it is given (a test passes a `TestClock` and moves time itself).
///
/// Delayed keys wait in one deadline heap served by a single timer task, not a sleeping task
/// each: a controller that requeues every object after its resync interval holds one deadline
/// per object (tens of bytes), where a task per object cost some 3 KB of task, stack and
/// dispatch timer (30 MB at 10,000 requests).
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue = Deque<Key>()
    /// Keys waiting to run (in `queue`, or re-added while processing).
    private var dirty = Set<Key>()
    private var processing = Set<Key>()
    private var addedAt: [Key: ContinuousClock.Instant] = [:]
    private var startedAt: [Key: ContinuousClock.Instant] = [:]
    private var waiters: [Int: CheckedContinuation<Key?, Never>] = [:]
    private var waiterOrder = Deque<Int>()
    private var nextWaiter = 0
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    /// Each delayed key's deadline; the heap may also hold superseded deadlines, skipped when they
    /// come up (a key's deadline only ever moves earlier).
    private var delayed: [Key: AnyClock<Duration>.Instant] = [:]
    private var deadlines = Heap<DelayedKey<Key>>()
    /// The one task sleeping until the earliest deadline.
    private var timer: (deadline: AnyClock<Duration>.Instant, task: Task<Void, Never>)?
    private let clock: AnyClock<Duration>
    private var limiter: RateLimiter<Key>
    private var shuttingDown = false
    private let metrics: WorkQueueMetrics

    public init(name: String, rateLimiter: RateLimiter<Key> = .init(), metricsFactory: (any MetricsFactory)? = nil,
                clock: some Clock<Duration> = ContinuousClock()) {
        self.limiter = rateLimiter
        self.clock = AnyClock(clock)
        self.metrics = WorkQueueMetrics(name: name, factory: metricsFactory ?? MetricsSystem.factory)
    }

    public var count: Int { queue.count }
    public var isShuttingDown: Bool { shuttingDown }
    /// Keys waiting for a delay to pass.
    public var pendingDelays: Int { delayed.count }

    public func add(_ key: Key) {
        guard !shuttingDown else { return }
        metrics.adds.increment()
        guard dirty.insert(key).inserted else { return }
        addedAt[key] = addedAt[key] ?? .now
        if processing.contains(key) { return }
        enqueue(key)
    }

    private func enqueue(_ key: Key) {
        if let id = waiterOrder.popFirst(), let waiter = waiters.removeValue(forKey: id) {
            dirty.remove(key)
            begin(key)
            waiter.resume(returning: key)
            return
        }
        queue.append(key)
        metrics.depth.record(queue.count)
    }

    private func begin(_ key: Key) {
        processing.insert(key)
        let now = ContinuousClock.Instant.now
        if let added = addedAt.removeValue(forKey: key) { metrics.queueDuration.recordInterval(since: added, now: now) }
        startedAt[key] = now
    }

    /// Adds `key` after `delay`; an earlier pending deadline for the same key wins.
    public func add(_ key: Key, after delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { return add(key) }
        let deadline = clock.now.advanced(by: delay)
        if let pending = delayed[key], pending <= deadline { return }
        delayed[key] = deadline
        deadlines.insert(DelayedKey(deadline: deadline, key: key))
        armTimer()
    }

    /// Makes the timer sleep until the earliest live deadline, replacing a timer set for later.
    private func armTimer() {
        while let head = deadlines.min, delayed[head.key] != head.deadline { deadlines.removeMin() }
        guard let head = deadlines.min else {
            timer?.task.cancel()
            timer = nil
            return
        }
        if let timer, timer.deadline <= head.deadline { return }
        timer?.task.cancel()
        let clock = self.clock
        let deadline = head.deadline
        let task = Task { [weak self] in
            // A deadline already reached is not slept for: a test clock (swift-clocks' TestClock)
            // would park a sleep until exactly `now` until the next advance.
            if clock.now < deadline { try? await clock.sleep(until: deadline) }
            guard !Task.isCancelled else { return }
            await self?.fireDelayed(upTo: deadline)
        }
        timer = (deadline, task)
    }

    private func fireDelayed(upTo deadline: AnyClock<Duration>.Instant) {
        guard timer?.deadline == deadline else { return }
        timer = nil
        let limit = max(clock.now, deadline)
        while let head = deadlines.min, head.deadline <= limit {
            deadlines.removeMin()
            guard delayed[head.key] == head.deadline else { continue }
            delayed[head.key] = nil
            add(head.key)
        }
        armTimer()
    }

    /// Adds `key` after the rate limiter's delay (a failure: its backoff grows).
    public func addRateLimited(_ key: Key) {
        guard !shuttingDown else { return }
        metrics.retries.increment()
        add(key, after: limiter.when(key))
    }

    /// Clears `key`'s failure count after a success.
    public func forget(_ key: Key) { limiter.forget(key) }

    public func requeues(_ key: Key) -> Int { limiter.requeues(key) }

    /// The next key to process, waiting for one; `nil` once the queue is shut down and empty.
    /// The caller must call `done(key)` when it has finished.
    public func next() async -> Key? {
        if let key = queue.popFirst() {
            metrics.depth.record(queue.count)
            dirty.remove(key)
            begin(key)
            return key
        }
        if shuttingDown { return nil }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled || shuttingDown {
                    continuation.resume(returning: nil)
                    return
                }
                waiters[id] = continuation
                waiterOrder.append(id)
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiterOrder.removeAll { $0 == id }
        waiter.resume(returning: nil)
    }

    public func done(_ key: Key) {
        processing.remove(key)
        if let started = startedAt.removeValue(forKey: key) { metrics.workDuration.recordInterval(since: started, now: .now) }
        if dirty.contains(key) {
            if shuttingDown { dirty.remove(key) } else { enqueue(key) }
        }
        if processing.isEmpty, !drainWaiters.isEmpty {
            let waiting = drainWaiters
            drainWaiters = []
            for w in waiting { w.resume() }
        }
    }

    /// Stops accepting keys, drops the waiting ones, wakes idle workers, and returns once every key
    /// being processed is done.
    public func shutDownWithDrain() async {
        shutDown()
        if processing.isEmpty { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    public func shutDown() {
        shuttingDown = true
        timer?.task.cancel()
        timer = nil
        delayed = [:]
        deadlines = Heap()
        queue.removeAll()
        dirty.removeAll()
        addedAt.removeAll()
        metrics.depth.record(0)
        let waiting = waiters
        waiters = [:]
        waiterOrder.removeAll()
        for (_, w) in waiting { w.resume(returning: nil) }
    }
}

/// A key in the deadline heap, ordered by its deadline alone.
struct DelayedKey<Key: Sendable>: Comparable, Sendable {
    let deadline: AnyClock<Duration>.Instant
    let key: Key

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.deadline < rhs.deadline }
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.deadline == rhs.deadline }
}

/// The queue's metrics under controller-runtime's names, so existing dashboards work.
struct WorkQueueMetrics: Sendable {
    let depth: Gauge
    let adds: Counter
    let retries: Counter
    let queueDuration: Timer
    let workDuration: Timer

    init(name: String, factory: any MetricsFactory) {
        let dims = [("name", name), ("controller", name)]
        depth = Gauge(label: "workqueue_depth", dimensions: dims, factory: factory)
        adds = Counter(label: "workqueue_adds_total", dimensions: dims, factory: factory)
        retries = Counter(label: "workqueue_retries_total", dimensions: dims, factory: factory)
        queueDuration = Timer(label: "workqueue_queue_duration_seconds", dimensions: dims, factory: factory)
        workDuration = Timer(label: "workqueue_work_duration_seconds", dimensions: dims, factory: factory)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        let (s, atto) = (now - start).components
        recordNanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }
}
