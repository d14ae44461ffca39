/// Exponential backoff between retries: the delay doubles from ``initial`` up to ``maximum``.
///
/// Two ways to use it: ``delay(attempt:)`` adds jitter (attempt `n` waits between half and all of
/// `min(maximum, initial * 2^n)`, so clients that failed together do not retry together), and
/// ``delay(afterFailures:)`` is the exact doubling the Job controller and kubelet use for pod
/// retries and container restarts. The one backoff type of the package (the controller runtime's
/// per-key rate limiter builds on the same rule).
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The ceiling for the zero-based retry `attempt`, before jitter.
    public func ceiling(attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt, 0), 30)
        let grown = initial * factor
        return grown > maximum ? maximum : grown
    }

    /// The wait before retry `attempt`: a random point in the upper half of the ceiling.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(attempt: attempt)
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 1 else { return ceiling }
        let half = nanos / 2
        return .nanoseconds(half + Int64.random(in: 0...(nanos - half), using: &generator))
    }

    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }

    /// The delay before the next attempt after `failures` failures, without jitter: zero before
    /// the first failure, then ``initial``, doubling up to ``maximum``.
    public func delay(afterFailures failures: Int) -> Duration {
        failures > 0 ? ceiling(attempt: failures - 1) : .zero
    }
}
