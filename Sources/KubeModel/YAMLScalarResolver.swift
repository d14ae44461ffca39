/// Resolves plain (unquoted) YAML scalars the way `kubectl` does.
///
/// kubectl turns YAML into JSON with sigs.k8s.io/yaml, which uses go-yaml v2 and therefore YAML 1.1
/// rules: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `017` is octal, `1_000` is an integer, and a
/// plain `2024-01-02` becomes the timestamp string `2024-01-02T00:00:00Z`. Copying these rules means a
/// manifest means the same thing here as it does to `kubectl apply`. One deliberate difference: an
/// integer too large for 64 bits is kept exactly as written instead of being rounded to a float.
enum YAMLScalarResolver {
    enum Resolution: Equatable {
        case value(JSONValue)
        case merge
        /// `.nan`/`.inf`: valid YAML, but JSON (and so the API server) has no way to carry it.
        case notRepresentable
    }

    private static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    private static let falseWords: Set<String> = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    private static let specialFloats: Set<String> = [
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ]

    static func resolvePlain(_ text: String) -> Resolution {
        if nullWords.contains(text) { return .value(.null) }
        if trueWords.contains(text) { return .value(.bool(true)) }
        if falseWords.contains(text) { return .value(.bool(false)) }
        if specialFloats.contains(text) { return .notRepresentable }
        if text == "<<" { return .merge }
        guard let first = text.utf8.first else { return .value(.string(text)) }
        switch first {
        case UInt8(ascii: "."):
            if let d = goParseFloat(text) { return .value(.double(d)) }
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let timestamp = YAMLTimestamp.normalize(text) { return .value(.string(timestamp)) }
            let plain = text.replacingAll("_", with: "")
            if let i = goParseInt(plain) { return .value(.int(i)) }
            if let big = goParseBigInteger(plain) { return .value(.number(big)) }
            if isYAMLStyleFloat(plain), let d = goParseFloat(plain) { return .value(.double(d)) }
            if let i = parseBinary(plain) { return .value(.int(i)) }
        default:
            break
        }
        return .value(.string(text))
    }

    /// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or leading-`0` octal prefixes.
    static func goParseInt(_ s: String) -> Int64? {
        var body = Substring(s)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        if body.count > 1, body.first == "0" {
            let second = body[body.index(after: body.startIndex)]
            switch second {
            case "x", "X": radix = 16; body = body.dropFirst(2)
            case "o", "O": radix = 8; body = body.dropFirst(2)
            case "b", "B": radix = 2; body = body.dropFirst(2)
            default: radix = 8; body = body.dropFirst(1)
            }
            guard !body.isEmpty else { return nil }
        }
        guard body.allSatisfy({ $0.isASCII && ($0.isHexDigit) }), let magnitude = UInt64(body, radix: radix) else {
            return nil
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A decimal integer literal that does not fit `Int64`: kept verbatim (sign normalised).
    static func goParseBigInteger(_ s: String) -> String? {
        var body = Substring(s)
        var sign = ""
        if body.first == "+" || body.first == "-" {
            if body.first == "-" { sign = "-" }
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.first != "0", body.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return sign + body
    }

    /// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLStyleFloat(_ s: String) -> Bool {
        var chars = Substring(s)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        func digits(_ c: inout Substring) -> Int {
            var n = 0
            while let f = c.first, f >= "0" && f <= "9" {
                c = c.dropFirst()
                n += 1
            }
            return n
        }
        if chars.first == "." {
            chars = chars.dropFirst()
            guard digits(&chars) > 0 else { return false }
        } else {
            guard digits(&chars) > 0 else { return false }
            if chars.first == "." {
                chars = chars.dropFirst()
                _ = digits(&chars)
            }
        }
        if chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
            guard digits(&chars) > 0 else { return false }
        }
        return chars.isEmpty
    }

    static func goParseFloat(_ s: String) -> Double? {
        guard let d = Double(s), d.isFinite else { return nil }
        // Swift accepts forms Go rejects ("nan", "inf" words are handled earlier; hex floats are rare).
        return d
    }

    static func parseBinary(_ s: String) -> Int64? {
        if s.hasPrefix("0b") { return Int64(s.dropFirst(2), radix: 2) }
        if s.hasPrefix("-0b") { return Int64(s.dropFirst(3), radix: 2).map { -$0 } }
        return nil
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
