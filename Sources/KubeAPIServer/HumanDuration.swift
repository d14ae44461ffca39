import Foundation
import KubeModel

/// Ages as the API server writes them into Table cells of type `date` (`8s`, `4m12s`, `3h`, `2d`):
/// apimachinery's `duration.HumanDuration` of the time since the timestamp, and `<unknown>` for
/// none. kubectl prints the cells as they come, so `kubectl get` shows `AGE 5m`, not a timestamp.
enum HumanDuration {
    static func since(_ timestamp: JSONValue, now: Date) -> JSONValue {
        guard let text = timestamp.stringValue, !text.isEmpty else { return "<unknown>" }
        guard let date = Timestamp.parse(text) else { return timestamp }
        return .string(format(seconds: now.timeIntervalSince(date)))
    }

    /// `duration.HumanDuration`.
    static func format(seconds interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
