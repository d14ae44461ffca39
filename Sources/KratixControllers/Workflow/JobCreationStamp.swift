import Foundation
import KratixAPI
import KubeModel
import Synchronization

/// When Kratix created a workflow Job, to the nanosecond: the Job's `kratix.io/created-at`
/// annotation (RFC 3339 with nine fractional digits).
///
/// Why: "the most recent Job" decides what a workflow does next (§5.2). `creationTimestamp` has
/// one-second resolution, so upstream sleeps 1.1 s after starting every pipeline to keep two Jobs of
/// one object out of the same second, holding a worker all that time. Kratix writes its own stamp,
/// strictly increasing within the process, and never waits. Jobs without it (made by upstream
/// Kratix before a switch) sort by their `creationTimestamp`, as the first nanosecond of that
/// second, so a Job stamped later in the same second is still the newer one.
public enum JobCreationStamp {
    public static let annotation = KratixAnnotations.jobCreatedAt

    private static let last = Mutex<Int64>(0)

    /// A stamp later than every earlier one of this process, and not before `now`.
    public static func next(now: Date = Date()) -> String {
        let wall = Int64((now.timeIntervalSince1970 * 1_000_000_000).rounded(.down))
        let nanoseconds = last.withLock { last in
            last = max(wall, last + 1)
            return last
        }
        return format(nanoseconds: nanoseconds)
    }

    static func format(nanoseconds: Int64) -> String {
        let seconds = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        var epoch = seconds.quotient
        var fraction = seconds.remainder
        if fraction < 0 {
            fraction += 1_000_000_000
            epoch -= 1
        }
        let text = Timestamp.formatEpochSeconds(epoch)
        let digits = String(fraction)
        return text.dropLast() + "." + String(repeating: "0", count: 9 - digits.count) + digits + "Z"
    }

    /// Nanoseconds since the epoch of a stamp written by ``next(now:)``; nil for anything else.
    static func nanoseconds(_ text: String) -> Int64? {
        guard text.count == 30, text.hasSuffix("Z"), let dot = text.lastIndex(of: "."),
              let seconds = Timestamp.parse(String(text[..<dot]) + "Z") else { return nil }
        let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
        guard digits.count == 9, let fraction = Int64(digits) else { return nil }
        return Int64(seconds.timeIntervalSince1970.rounded()) * 1_000_000_000 + fraction
    }
}
