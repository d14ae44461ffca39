import Foundation

/// Go's `time.ParseDuration`, which every Kratix duration (`retryAfter`, `reconciliationInterval`,
/// the configuration's intervals) goes through.
///
/// Accepting exactly what Go accepts matters: a value upstream rejects (`1d`) must fail here too,
/// or a Promise would behave differently on the two controllers.
public enum GoDuration {
    /// The duration `text` denotes (`1h30m`, `1.5s`, `-2m`, `0`), or `nil` when Go would reject it.
    public static func parse(_ text: String) -> Duration? {
        var s = Substring(text)
        var negative = false
        if let first = s.first, first == "-" || first == "+" {
            negative = first == "-"
            s = s.dropFirst()
        }
        if s == "0" { return .zero }
        if s.isEmpty { return nil }
        var totalNanoseconds: Double = 0
        while !s.isEmpty {
            // The number: digits, optionally a fraction.
            let integerDigits = s.prefix { $0.isASCII && $0.isNumber }
            s = s.dropFirst(integerDigits.count)
            var fractionDigits = Substring("")
            if s.first == "." {
                s = s.dropFirst()
                fractionDigits = s.prefix { $0.isASCII && $0.isNumber }
                s = s.dropFirst(fractionDigits.count)
            }
            if integerDigits.isEmpty && fractionDigits.isEmpty { return nil }
            // The unit: everything up to the next digit or dot.
            let unitText = s.prefix { !($0.isASCII && $0.isNumber) && $0 != "." }
            s = s.dropFirst(unitText.count)
            guard let unit = unitNanoseconds[String(unitText)] else { return nil }
            let value = Double("\(integerDigits.isEmpty ? "0" : integerDigits).\(fractionDigits.isEmpty ? "0" : fractionDigits)") ?? 0
            totalNanoseconds += value * unit
            // Go rejects values that overflow int64 nanoseconds (about 292 years). 2^63 itself is
            // out of range too, and converting it to Int64 would trap.
            if totalNanoseconds >= 9.223372036854775807e18 { return nil }
        }
        let nanoseconds = Int64(totalNanoseconds.rounded())
        let duration = Duration.nanoseconds(nanoseconds)
        return negative ? .zero - duration : duration
    }

    /// Go's `Duration.String()` for whole seconds and above (`10h0m0s`, `1m30s`), which is how
    /// intervals appear in messages upstream.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds == 0 && attoseconds == 0 { return "0s" }
        var remaining = abs(seconds)
        let sign = seconds < 0 || attoseconds < 0 ? "-" : ""
        let hours = remaining / 3600
        remaining %= 3600
        let minutes = remaining / 60
        let secs = remaining % 60
        let fraction = abs(attoseconds)
        var secondsText = String(secs)
        if fraction > 0 {
            var digits = String(fraction / 1_000_000_000)  // nanoseconds
            digits = String(repeating: "0", count: max(0, 9 - digits.count)) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            if !digits.isEmpty { secondsText += "." + digits }
        }
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(secondsText)s" }
        if minutes > 0 { return "\(sign)\(minutes)m\(secondsText)s" }
        return "\(sign)\(secondsText)s"
    }

    private static let unitNanoseconds: [String: Double] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]
}

extension Duration {
    /// The duration in seconds as a `Double`, for date arithmetic.
    public var timeIntervalValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
