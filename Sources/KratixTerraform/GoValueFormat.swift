import KubeModel

/// Go's `fmt` `%v` rendering of decoded values, which upstream uses to stringify `map(string)`
/// defaults (`100` becomes `"100"`, `1000000` becomes `"1e+06"`); copying it keeps generated CRDs
/// identical to upstream's.
enum GoValueFormat {
    static func string(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        // Upstream decodes every number into a float64 first.
        case .int(let i): return float(Double(i))
        case .double(let d): return float(d)
        case .number(let s): return Double(s).map(float) ?? s
        case .array(let a): return "[" + a.map(string).joined(separator: " ") + "]"
        case .object(let o):
            let keys = o.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return "map[" + keys.map { "\($0):\(string(o[$0] ?? .null))" }.joined(separator: " ") + "]"
        }
    }

    /// `strconv.FormatFloat(d, 'g', -1, 64)`, what `%v` prints: the shortest digits, in exponent
    /// form when the decimal exponent is below -4 or at least 6 (Go's shortest-`%g` precision).
    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(abs(d))
        let sign = d < 0 ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            // %e with the shortest digits.
            var mantissa = String(digits.first ?? "0")
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let i = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<i] + "." + digits[i...]
    }

    /// The shortest round-trip decimal digits of a positive double and where the decimal point
    /// goes (`123.4` is ("1234", 3)), taken from Swift's own shortest formatting.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fraction
        var point = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }
}
