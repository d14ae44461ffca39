/// The shared ``TokenBucket`` of one client: every request but a running watch takes a token.
///
/// An actor only for the bucket's state; waiting happens outside it, so a waiting request never
/// blocks others from reserving.
actor RateLimiter {
    private var bucket: TokenBucket

    init(qps: Double, burst: Int) {
        bucket = TokenBucket(qps: qps, burst: burst, now: .now)
    }

    private func reserve() -> Duration {
        bucket.reserve(now: .now)
    }

    /// Waits for a token (never fails for lack of one). Throws only when the task is cancelled.
    nonisolated func acquire() async throws(CancellationError) {
        let wait = await reserve()
        guard wait > .zero else { return }
        do {
            try await Task.sleep(for: wait)
        } catch {
            throw CancellationError()
        }
    }
}
