import Foundation

extension Duration {
    /// The longest delay a controller schedules. Objects may ask for far more (the API server accepts
    /// an `activeDeadlineSeconds` or `ttlSecondsAfterFinished` of 2^63 - 1): that is as good as
    /// never, and in milliseconds or nanoseconds it would overflow and trap.
    public static let longestScheduledDelay: Duration = .seconds(365 * 86_400)

    /// A requeue delay for `seconds` from now: at least a millisecond (so it is after the moment
    /// itself), at most ``longestScheduledDelay``; NaN and negatives count as zero.
    public static func scheduled(seconds: TimeInterval) -> Duration {
        let longest = Double(longestScheduledDelay.components.seconds)
        let capped = seconds.isNaN ? 0 : min(max(seconds, 0), longest)
        return .milliseconds(Int64(capped * 1000) + 1)
    }
}
