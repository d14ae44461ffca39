import Foundation

/// A `metav1.Condition`: the way every Kratix object reports state to operators.
public struct Condition: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    public var type: String
    public var status: Status
    public var reason: String?
    public var message: String?
    /// RFC 3339, seconds precision, UTC.
    public var lastTransitionTime: String?
    public var observedGeneration: Int64?
    public var unknownFields = UnknownFields()

    public init(
        type: String, status: Status, reason: String? = nil, message: String? = nil,
        lastTransitionTime: String? = nil, observedGeneration: Int64? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.observedGeneration = observedGeneration
    }

    public var isTrue: Bool { status == .true }
}

extension Array where Element == Condition {
    public subscript(type type: String) -> Condition? {
        first { $0.type == type }
    }

    /// Upserts `condition` by type with Kubernetes "set status condition" semantics.
    ///
    /// `lastTransitionTime` moves only when the status changes (to the condition's own time, else
    /// `now`); a change of reason, message or observedGeneration alone updates those fields in place.
    /// Returns whether anything changed, so callers write status only when needed.
    @discardableResult
    public mutating func set(_ condition: Condition, now: Date = Date()) -> Bool {
        guard let i = firstIndex(where: { $0.type == condition.type }) else {
            var new = condition
            if new.lastTransitionTime == nil { new.lastTransitionTime = Timestamp.format(now) }
            append(new)
            return true
        }
        var existing = self[i]
        var changed = false
        if existing.status != condition.status {
            existing.status = condition.status
            existing.lastTransitionTime = condition.lastTransitionTime ?? Timestamp.format(now)
            changed = true
        }
        if existing.reason != condition.reason {
            existing.reason = condition.reason
            changed = true
        }
        if existing.message != condition.message {
            existing.message = condition.message
            changed = true
        }
        if existing.observedGeneration != condition.observedGeneration {
            existing.observedGeneration = condition.observedGeneration
            changed = true
        }
        self[i] = existing
        return changed
    }

    /// Removes the condition of `type`; returns whether it was there.
    @discardableResult
    public mutating func remove(type: String) -> Bool {
        let before = count
        removeAll { $0.type == type }
        return count != before
    }
}

/// RFC 3339 timestamps as Kubernetes writes them (`2024-05-01T10:00:00Z`).
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return formatEpochSeconds(seconds)
    }

    public static func formatEpochSeconds(_ epoch: Int64) -> String {
        var days = epoch / 86_400
        var secondsOfDay = epoch % 86_400
        if secondsOfDay < 0 {
            secondsOfDay += 86_400
            days -= 1
        }
        // Civil-from-days (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)`; `nil` if the text is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ start: Int, _ len: Int) -> Int64? {
            guard start + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in start..<start + len {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), let h = num(11, 2), b[13] == 0x3A,
            let mi = num(14, 2), b[16] == 0x3A, let s = num(17, 2)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), b.count > i + 3, b[i + 3] == 0x3A, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        // Days-from-civil.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let epoch = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(epoch) + fraction)
    }
}
