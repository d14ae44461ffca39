/// Delays between retries that double from ``initial`` up to ``maximum``.
///
/// Upstream Kubernetes starts at 10 s (Job retries) and caps container restarts at 5 minutes; a
/// local runner keeps them short (1 s doubling, at most 10 s by default) so failing workflows are
/// retried while someone is watching.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt after `failures` failures (1 → ``initial``).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<failures {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
