/// Client-side rate limiting as a value: `qps` tokens a second, up to `burst` saved.
///
/// Reservation-based, like Go's `rate.Limiter` that client-go uses: each request takes a token now
/// and learns how long to wait for it; the bucket may go negative, which is how waiting requests
/// queue without a list of waiters. The caller sleeps outside, so the state stays a plain value.
public struct TokenBucket: Sendable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// `qps <= 0` disables limiting.
    public init(qps: Double, burst: Int, now: ContinuousClock.Instant) {
        self.qps = qps
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
        self.last = now
    }

    /// Takes a token; returns how long the caller must wait before using it (zero when one was saved).
    public mutating func reserve(now: ContinuousClock.Instant) -> Duration {
        guard qps > 0 else { return .zero }
        if now > last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(Double(burst), tokens + seconds * qps)
            last = now
        }
        tokens -= 1
        guard tokens < 0 else { return .zero }
        let wait = -tokens / qps
        return .nanoseconds(Int64((wait * 1e9).rounded(.up)))
    }
}
