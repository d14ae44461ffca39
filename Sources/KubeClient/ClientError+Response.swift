import Foundation
import KubeModel

extension ClientError {
    /// The error for a non-2xx response: the `Status` in its body when there is one, else a status
    /// synthesised from the code. `Retry-After` (seconds or an HTTP date) rides along on 429.
    ///
    /// A body that is not a `Status` is quoted only in part (first line, 200 characters): enough
    /// to recognise a proxy's page, not enough to leak a request echoed back at length.
    public init(statusCode: Int, headers: [(String, String)], body: [UInt8], now: Date = Date()) {
        let retryAfter = headers.first { $0.0.lowercased() == "retry-after" }.flatMap { RetryAfter.parse($0.1, now: now) }
        if let value = try? JSONParser.parse(body), var status = APIStatus(value) {
            if status.code == 0 { status.code = statusCode }
            self.init(status: status, retryAfter: retryAfter)
            return
        }
        let text = String(decoding: body.prefix(400), as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        let snippet = firstLine.count > 200 ? String(firstLine.prefix(200)) + "…" : firstLine
        let reason = APIStatus.reason(forCode: statusCode)
        let message = snippet.isEmpty
            ? "the server responded with HTTP \(statusCode) (\(reason))"
            : "the server responded with HTTP \(statusCode) (\(reason)): \(snippet)"
        self.init(status: APIStatus(code: statusCode, reason: reason, message: message), retryAfter: retryAfter)
    }
}

/// The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
enum RetryAfter {
    static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = httpDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        return .milliseconds(Int64(max(0, interval) * 1000))
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    private static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let monthIndex = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = year
        components.month = monthIndex + 1
        components.day = day
        components.hour = clock[0]
        components.minute = clock[1]
        components.second = clock[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components)
    }
}
