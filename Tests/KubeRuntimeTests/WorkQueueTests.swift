import Clocks
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct WorkQueueTests {
    @Test func aKeyAddedManyTimesBeforeItRunsRunsOnce() async {
        let queue = WorkQueue<String>(name: "dedupe")
        for _ in 0..<5 { await queue.add("a") }
        await queue.add("b")
        #expect(await queue.count == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        await queue.done("a")
        await queue.done("b")
        #expect(await queue.count == 0)
    }

    @Test func aKeyReAddedWhileProcessingRunsAgainAfterDone() async {
        let queue = WorkQueue<String>(name: "readd")
        await queue.add("a")
        let key = await queue.next()
        #expect(key == "a")
        await queue.add("a")
        // Not handed out while "a" is being processed.
        #expect(await queue.count == 0)
        await queue.done("a")
        #expect(await queue.count == 1)
        #expect(await queue.next() == "a")
    }

    @Test func theSameKeyNeverRunsConcurrentlyUnderRapidReAdds() async {
        let queue = WorkQueue<String>(name: "concurrency")
        let tracker = Tracker()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.next() {
                        let clash = tracker.running.withLock { !$0.insert(key).inserted }
                        if clash { tracker.overlaps.withLock { $0 += 1 } }
                        try? await Task.sleep(for: .milliseconds(20))
                        tracker.running.withLock { _ = $0.remove(key) }
                        tracker.runs.withLock { $0 += 1 }
                        await queue.done(key)
                    }
                }
            }
            for i in 0..<200 {
                await queue.add("key-\(i % 3)")
                if i % 10 == 0 { try? await Task.sleep(for: .milliseconds(5)) }
            }
            try? await Task.sleep(for: .milliseconds(300))
            await queue.shutDownWithDrain()
        }
        #expect(tracker.overlaps.withLock { $0 } == 0)
        // Deduplication: far fewer runs than adds, but every key ran.
        #expect(tracker.runs.withLock { $0 } >= 3)
        #expect(tracker.runs.withLock { $0 } < 200)
    }

    /// On a test clock: nothing arrives before its deadline, and the earlier deadline replaces
    /// the later one. (The delays are far beyond `eventually`'s timeout: only the test clock can
    /// make them pass.)
    @Test func delayedAddsArriveAfterTheirDelayAndTheEarliestWins() async throws {
        let clock = TestClock()
        let queue = WorkQueue<String>(name: "delay", clock: clock)
        await queue.add("a", after: .seconds(3600))
        await queue.add("a", after: .seconds(60))
        await clock.advance(by: .seconds(59))
        #expect(await queue.count == 0, "not before its deadline")
        await clock.advance(by: .seconds(1))
        #expect(await eventually { await queue.count == 1 }, "due at 60 s")
        #expect(await queue.next() == "a")
        #expect(await queue.pendingDelays == 0, "the one-hour deadline was replaced, not kept beside it")
    }

    /// A hundred delayed keys wait in one heap behind one timer: they arrive in deadline order,
    /// and a superseded deadline (k50's, moved earlier) never delivers its key a second time.
    @Test func manyDelayedKeysArriveInDeadlineOrderAndSupersededDeadlinesStaySilent() async throws {
        let clock = TestClock()
        let queue = WorkQueue<String>(name: "delays", clock: clock)
        for i in (1...100).reversed() { await queue.add("k\(i)", after: .seconds(i * 10)) }
        await queue.add("k50", after: .seconds(5))
        #expect(await queue.pendingDelays == 100)
        await clock.advance(by: .seconds(5))
        #expect(await eventually { await queue.count == 1 })
        #expect(await queue.next() == "k50")
        await queue.done("k50")
        await clock.advance(by: .seconds(15))
        #expect(await eventually { await queue.count == 2 }, "k1 at 10 s and k2 at 20 s")
        #expect(await queue.next() == "k1")
        #expect(await queue.next() == "k2")
        await clock.advance(by: .seconds(1000))
        #expect(await eventually { await queue.count == 97 })
        var order: [String] = []
        for _ in 0..<97 { if let key = await queue.next() { order.append(key) } }
        #expect(order == (3...100).filter { $0 != 50 }.map { "k\($0)" })
        #expect(await queue.count == 0, "k50's superseded 500 s deadline added nothing")
        #expect(await queue.pendingDelays == 0)
    }

    @Test func rateLimitedAddsBackOffPerKeyAndForgetResets() async {
        let queue = WorkQueue<String>(name: "backoff")
        await queue.addRateLimited("a")
        await queue.addRateLimited("a")
        #expect(await queue.requeues("a") == 2)
        await queue.forget("a")
        #expect(await queue.requeues("a") == 0)
    }

    @Test func shutdownWakesIdleWorkersAndWaitsForRunningKeys() async {
        let queue = WorkQueue<String>(name: "shutdown")
        await queue.add("a")
        let key = await queue.next()
        #expect(key == "a")
        let idle = Task { await queue.next() }
        let finished = Mutex(false)
        let drain = Task {
            await queue.shutDownWithDrain()
            finished.withLock { $0 = true }
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(finished.withLock { $0 } == false)
        await queue.done("a")
        await drain.value
        #expect(finished.withLock { $0 })
        #expect(await idle.value == nil)
        await queue.add("b")
        #expect(await queue.next() == nil)
    }
}

final class Tracker: Sendable {
    let running = Mutex<Set<String>>([])
    let overlaps = Mutex(0)
    let runs = Mutex(0)
}

@Suite struct RateLimiterTests {
    @Test func exponentialBackoffDoublesFromFiveMillisecondsAndCapsAt1000Seconds() {
        var backoff = ExponentialBackoff<String>()
        #expect(backoff.when("a") == .milliseconds(5))
        #expect(backoff.when("a") == .milliseconds(10))
        #expect(backoff.when("a") == .milliseconds(20))
        #expect(backoff.when("b") == .milliseconds(5))
        for _ in 0..<60 { _ = backoff.when("a") }
        #expect(backoff.when("a") == .seconds(1000))
        backoff.forget("a")
        #expect(backoff.when("a") == .milliseconds(5))
    }

    @Test func theBucketAllowsABurstOf100ThenTenPerSecond() {
        var limiter = RateLimiter<Int>()
        let now = ContinuousClock.now
        for i in 0..<100 { #expect(limiter.when(i, now: now) == .milliseconds(5)) }
        let delay = limiter.when(100, now: now)
        #expect(delay >= .milliseconds(99) && delay <= .milliseconds(101))
    }
}
