import KubeClient

/// How long an item waits before it is retried, as client-go's default controller rate limiter:
/// the larger of a per-item exponential backoff and an overall token bucket. The per-item part
/// keeps one broken object from spinning; the bucket keeps a mass failure from flooding the API.
public struct RateLimiter<Key: Hashable & Sendable>: Sendable {
    public var backoff: ExponentialBackoff<Key>
    public var bucket: TokenBucket

    /// The bucket defaults to client-go's 10 keys/s with bursts of 100.
    public init(backoff: ExponentialBackoff<Key> = .init(), bucket: TokenBucket = TokenBucket(qps: 10, burst: 100, now: .now)) {
        self.backoff = backoff
        self.bucket = bucket
    }

    /// The delay before `key` may run again; counts one more failure for it.
    public mutating func when(_ key: Key, now: ContinuousClock.Instant = .now) -> Duration {
        max(backoff.when(key), bucket.reserve(now: now))
    }

    public mutating func forget(_ key: Key) { backoff.forget(key) }

    public func requeues(_ key: Key) -> Int { backoff.requeues(key) }
}

/// Per-item exponential backoff: `base * 2^failures`, capped (5 ms doubling to 1000 s by default).
public struct ExponentialBackoff<Key: Hashable & Sendable>: Sendable {
    public var base: Duration
    public var maximum: Duration
    private var failures: [Key: Int] = [:]

    public init(base: Duration = .milliseconds(5), maximum: Duration = .seconds(1000)) {
        self.base = base
        self.maximum = maximum
    }

    public mutating func when(_ key: Key) -> Duration {
        let exponent = failures[key, default: 0]
        failures[key] = exponent + 1
        // 2^exponent overflows quickly; past 2^40 the cap has long been reached.
        guard exponent < 40 else { return maximum }
        let delay = base * Double(UInt64(1) << UInt64(exponent))
        return min(delay, maximum)
    }

    public mutating func forget(_ key: Key) { failures[key] = nil }

    public func requeues(_ key: Key) -> Int { failures[key, default: 0] }

    /// Keys with a failure count, for tests and metrics.
    public var tracked: Int { failures.count }
}
