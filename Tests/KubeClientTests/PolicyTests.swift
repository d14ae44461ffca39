import Foundation
@testable import KubeClient
import Testing

/// A generator with a fixed sequence, so jittered delays are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

@Suite struct PolicyTests {
    @Test func tokenBucketAllowsBurstThenPaces() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(qps: 5, burst: 10, now: start)
        for _ in 0..<10 { #expect(bucket.reserve(now: start) == .zero) }
        // The 11th waits one token's time (200 ms), the 12th two.
        #expect(bucket.reserve(now: start) == .milliseconds(200))
        #expect(bucket.reserve(now: start) == .milliseconds(400))
        // Time refills: a second later five tokens came back, three of them already promised.
        let later = start + .seconds(1)
        #expect(bucket.reserve(now: later) == .zero)
        #expect(bucket.reserve(now: later) == .zero)
        #expect(bucket.reserve(now: later) == .zero)
        #expect(bucket.reserve(now: later) == .milliseconds(200))
    }

    @Test func tokenBucketNeverSavesMoreThanBurst() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(qps: 100, burst: 2, now: start)
        let muchLater = start + .seconds(3600)
        #expect(bucket.reserve(now: muchLater) == .zero)
        #expect(bucket.reserve(now: muchLater) == .zero)
        #expect(bucket.reserve(now: muchLater) == .milliseconds(10))
    }

    @Test func tokenBucketDisabled() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(qps: 0, burst: 1, now: start)
        for _ in 0..<1000 { #expect(bucket.reserve(now: start) == .zero) }
    }

    @Test func rateLimiterWaits() async throws {
        let limiter = RateLimiter(qps: 20, burst: 1)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for _ in 0..<4 { try await limiter.acquire() }
        }
        // One saved token, then three at 50 ms each.
        #expect(elapsed >= .milliseconds(140))
    }

    @Test func backoffGrowsWithJitterAndCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: 1) == .milliseconds(200))
        #expect(backoff.ceiling(attempt: 3) == .milliseconds(800))
        #expect(backoff.ceiling(attempt: 4) == .seconds(1))
        #expect(backoff.ceiling(attempt: 100) == .seconds(1))
        var generator = SeededGenerator(state: 42)
        var delays: Set<Duration> = []
        for attempt in 0..<6 {
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt, using: &generator)
                let ceiling = backoff.ceiling(attempt: attempt)
                #expect(delay >= ceiling / 2 && delay <= ceiling)
                delays.insert(delay)
            }
        }
        #expect(delays.count > 50)  // jittered, not fixed
    }

    @Test func retryDecisions() {
        let policy = RetryPolicy(maxRetries: 3, backoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)))
        let unavailable = ClientError(status: APIStatus(code: 503, reason: "ServiceUnavailable", message: "m"))
        let notFound = ClientError(status: APIStatus(code: 404, reason: "NotFound", message: "m"))
        let throttled = ClientError.tooManyRequests(APIStatus(code: 429, reason: "TooManyRequests", message: "m"), retryAfter: nil)
        // 5xx: idempotent verbs only.
        #expect(policy.delay(method: .GET, failure: .response(unavailable, retryAfter: nil), attempt: 0) != nil)
        #expect(policy.delay(method: .PUT, failure: .response(unavailable, retryAfter: nil), attempt: 0) != nil)
        #expect(policy.delay(method: .DELETE, failure: .response(unavailable, retryAfter: nil), attempt: 0) != nil)
        #expect(policy.delay(method: .POST, failure: .response(unavailable, retryAfter: nil), attempt: 0) == nil)
        #expect(policy.delay(method: .PATCH, failure: .response(unavailable, retryAfter: nil), attempt: 0) == nil)
        // Retry-After is honoured.
        #expect(policy.delay(method: .GET, failure: .response(unavailable, retryAfter: .seconds(7)), attempt: 0) == .seconds(7))
        #expect(policy.delay(method: .POST, failure: .response(throttled, retryAfter: .seconds(2)), attempt: 0) == .seconds(2))
        // 429 for every verb: the server did not process the request.
        #expect(policy.delay(method: .POST, failure: .response(throttled, retryAfter: nil), attempt: 0) != nil)
        // Client errors are final.
        #expect(policy.delay(method: .GET, failure: .response(notFound, retryAfter: nil), attempt: 0) == nil)
        // Connection failures before sending: every verb; after: idempotent only; TLS: never.
        #expect(policy.delay(method: .POST, failure: .transport(.notSent("refused")), attempt: 0) != nil)
        #expect(policy.delay(method: .POST, failure: .transport(.interrupted("reset")), attempt: 0) == nil)
        #expect(policy.delay(method: .GET, failure: .transport(.interrupted("reset")), attempt: 0) != nil)
        #expect(policy.delay(method: .GET, failure: .transport(.permanent("bad certificate")), attempt: 0) == nil)
        // Bounded by maxRetries.
        #expect(policy.delay(method: .GET, failure: .transport(.notSent("refused")), attempt: 2) != nil)
        #expect(policy.delay(method: .GET, failure: .transport(.notSent("refused")), attempt: 3) == nil)
    }

    @Test func rfc3339() throws {
        #expect(RFC3339.parse("2026-01-02T03:04:05Z") == Date(timeIntervalSince1970: 1_767_323_045))
        #expect(RFC3339.parse("2026-01-02T04:04:05+01:00") == Date(timeIntervalSince1970: 1_767_323_045))
        #expect(RFC3339.parse("2026-01-02T03:04:05.5Z") == Date(timeIntervalSince1970: 1_767_323_045.5))
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parse("2026-01-02") == nil)
        #expect(RFC3339.parse("2026-13-02T03:04:05Z") == nil)
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_767_323_045.9)) == "2026-01-02T03:04:05Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func lruCacheDropsLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.set("a", 1)
        cache.set("b", 2)
        #expect(cache.get("a") == 1)  // a is now the most recent
        cache.set("c", 3)
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") == 1)
        #expect(cache.get("c") == 3)
        #expect(cache.count == 2)
    }

    /// Uses far past the capacity (so the use order is rebuilt many times) keep exactly the most
    /// recently used keys, with their latest values.
    @Test func lruCacheKeepsTheMostRecentThroughManyUses() {
        var cache = LRUCache<Int, Int>(capacity: 3)
        for round in 0..<1_000 {
            cache.set(round, round)
            cache.set(-1, round)  // used every round: never the least recent
            if round % 7 == 0 { cache.remove(round) }
        }
        #expect(cache.count <= 3)
        #expect(cache.get(-1) == 999)
        #expect(cache.get(999) == 999)
        #expect(cache.get(998) == 998)
        #expect(cache.get(0) == nil)
        #expect(cache.get(997) == nil)  // the least recent of the four last set
    }
}
