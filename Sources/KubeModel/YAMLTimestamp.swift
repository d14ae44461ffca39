/// go-yaml v2 reads plain scalars that look like timestamps as times, and sigs.k8s.io/yaml then writes
/// them as RFC 3339 strings; kubectl users see `2024-1-2` become `2024-01-02T00:00:00Z`. This does the same.
enum YAMLTimestamp {
    /// The RFC 3339 form of a go-yaml timestamp literal, or `nil` if the text is not one.
    ///
    /// Accepted forms (go-yaml's list): `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
    /// `2006-1-2 15:4:5.999999999` (UTC), `2006-1-2`.
    static func normalize(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(maxDigits: Int, exact: Bool = false) -> Int? {
            var value = 0
            var count = 0
            while i < bytes.count, count < maxDigits, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
                count += 1
            }
            if count == 0 || (exact && count != maxDigits) { return nil }
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(maxDigits: 4, exact: true), expect(UInt8(ascii: "-")),
            let month = number(maxDigits: 2), expect(UInt8(ascii: "-")),
            let day = number(maxDigits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        if i == bytes.count { return date + "T00:00:00Z" }
        let separator = bytes[i]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
            return nil
        }
        i += 1
        guard let hour = number(maxDigits: 2), expect(UInt8(ascii: ":")),
            let minute = number(maxDigits: 2), expect(UInt8(ascii: ":")),
            let second = number(maxDigits: 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = ""
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            guard i > start, i - start <= 9 else { return nil }
            fraction = String(decoding: bytes[start..<i], as: UTF8.self)
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        var zone = "Z"
        if separator == UInt8(ascii: " ") {
            guard i == bytes.count else { return nil }
        } else {
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "Z") {
                i += 1
            } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                let sign = bytes[i] == UInt8(ascii: "+") ? "+" : "-"
                i += 1
                guard let zh = number(maxDigits: 2, exact: true), expect(UInt8(ascii: ":")),
                    let zm = number(maxDigits: 2, exact: true)
                else { return nil }
                zone = (zh == 0 && zm == 0) ? "Z" : sign + pad(zh, 2) + ":" + pad(zm, 2)
                if zh == 0 && zm == 0 && sign == "+" { zone = "Z" }
            } else {
                return nil
            }
            guard i == bytes.count else { return nil }
        }
        let time = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        return date + "T" + time + (fraction.isEmpty ? "" : "." + fraction) + zone
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
