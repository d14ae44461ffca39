/// Writes ``JSONValue``s as block-style YAML in the layout of sigs.k8s.io/yaml (go-yaml v2):
/// two-space indentation, sequences at the same indentation as their parent key, `{}`/`[]` for
/// empty collections, literal blocks for multi-line strings, and quotes only where a plain scalar
/// would be read back as something else. Reading the output back gives an equal value.
public struct YAMLWriter: Sendable {
    /// Sort mapping keys byte-wise, as Go's YAML encoders do for maps. Off keeps the value's order.
    public var sortedKeys: Bool
    /// Fold long plain scalars at spaces once a line passes this column, as go-yaml v2 does at 80
    /// (its `best_width`): byte-equal output for files upstream's Go tools marshal. Nil (the
    /// default) never folds.
    public var lineWidth: Int?
    /// Leave `,` `[` `]` `{` `}` inside a string plain, as go-yaml v2 (sigs.k8s.io/yaml) does in
    /// block context; off (the default) quotes such strings.
    public var plainFlowIndicators: Bool

    public init(sortedKeys: Bool = false, lineWidth: Int? = nil, plainFlowIndicators: Bool = false) {
        self.sortedKeys = sortedKeys
        self.lineWidth = lineWidth
        self.plainFlowIndicators = plainFlowIndicators
    }

    /// sigs.k8s.io/yaml's output, byte for byte: sorted keys, long plain scalars folded at 80,
    /// flow indicators left plain inside strings.
    public static let goYAML = YAMLWriter(sortedKeys: true, lineWidth: 80, plainFlowIndicators: true)

    /// One document, ending in a newline.
    public func write(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let o) where !o.isEmpty:
            writeMapping(o, indent: 0, into: &out)
        case .array(let a) where !a.isEmpty:
            writeSequence(a, indent: 0, into: &out)
        case .string(let s) where Self.wantsLiteralBlock(s):
            // go-yaml indents a top-level block scalar by its best indent, two spaces (kratix-cli's
            // README.md, a marshalled string).
            out += Self.literalBlock(s, indent: 2)
        default:
            out += scalar(value) + "\n"
        }
        return out
    }

    /// A multi-document stream separated by `---` lines.
    public func write(documents: [JSONValue]) -> String {
        documents.map { write($0) }.joined(separator: "---\n")
    }

    private func keys(of object: JSONObject) -> [String] {
        sortedKeys ? object.keys.sorted(by: JSONValue.byteOrder) : Array(object.keys)
    }

    private func writeMapping(_ object: JSONObject, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for key in keys(of: object) {
            let value = object[key]!
            out += pad + quoteIfNeeded(key) + ":"
            writeValue(value, indent: indent, inMapping: true, into: &out)
        }
    }

    private func writeSequence(_ array: [JSONValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for element in array {
            out += pad + "-"
            switch element {
            case .object(let o) where !o.isEmpty:
                // The first key shares the dash's line; the rest align under it.
                var nested = ""
                writeMapping(o, indent: indent + 2, into: &nested)
                out += " " + nested.dropFirst(indent + 2)
            case .array(let a) where !a.isEmpty:
                var nested = ""
                writeSequence(a, indent: indent + 2, into: &nested)
                out += " " + nested.dropFirst(indent + 2)
            default:
                writeValue(element, indent: indent, inMapping: false, into: &out)
            }
        }
    }

    private func writeValue(_ value: JSONValue, indent: Int, inMapping: Bool, into out: inout String) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out += "\n"
            writeMapping(o, indent: indent + 2, into: &out)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            // go-yaml v2 does not indent a sequence under its mapping key.
            writeSequence(a, indent: inMapping ? indent : indent + 2, into: &out)
        case .string(let s) where Self.wantsLiteralBlock(s):
            out += " " + Self.literalBlock(s, indent: indent + 2)
        case .string(let s) where lineWidth != nil && s.contains(" ") && (quoteIfNeeded(s) == s || quoteIfNeeded(s).hasPrefix("'")):
            out += " "
            let lineStart = out.lastIndex(of: "\n").map { out.index(after: $0) } ?? out.startIndex
            let column = out.unicodeScalars[lineStart...].count
            let written = quoteIfNeeded(s)
            if written == s {
                out += folded(s, column: column, indent: indent + 2)
            } else {
                // Single-quoted: the quotes count towards the column; the body folds the same way.
                out += "'" + folded(String(written.dropFirst().dropLast()), column: column + 1, indent: indent + 2) + "'"
            }
            out += "\n"
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    /// libyaml's plain-scalar writer: a single space becomes a line break (to `indent`) when the
    /// line already passes ``lineWidth`` and the next character is not a space.
    private func folded(_ s: String, column start: Int, indent: Int) -> String {
        guard let width = lineWidth else { return s }
        let chars = Array(s.unicodeScalars)
        var out = ""
        var column = start
        var afterSpace = false
        for (i, c) in chars.enumerated() {
            if c == " " {
                if !afterSpace, column > width, i > 0, i + 1 < chars.count, chars[i + 1] != " " {
                    out += "\n" + String(repeating: " ", count: indent)
                    column = indent
                } else {
                    out.unicodeScalars.append(c)
                    column += 1
                }
                afterSpace = true
            } else {
                out.unicodeScalars.append(c)
                column += 1
                afterSpace = false
            }
        }
        return out
    }

    private func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            let text = JSONValue.formatDouble(d)
            return text
        case .number(let n): return n
        case .string(let s): return quoteIfNeeded(s)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    static func wantsLiteralBlock(_ s: String) -> Bool {
        guard s.contains("\n") else { return false }
        // Literal blocks cannot start with a space-indented first line without an indicator, and cannot
        // carry control characters or trailing whitespace-only content reliably; quote those instead.
        if s.first == " " || s.first == "\n" { return false }
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { return false }
            if scalar.value == 0x7F || scalar == "\u{FEFF}" { return false }
        }
        return true
    }

    /// A block scalar as go-yaml writes one: `|`, `|-` or `|+` (by the trailing newlines) and the
    /// lines at `indent`; empty lines stay empty.
    public static func literalBlock(_ s: String, indent: Int) -> String {
        var body = Substring(s)
        var trailing = 0
        while body.hasSuffix("\n") {
            body = body.dropLast()
            trailing += 1
        }
        let chomp = trailing == 0 ? "-" : (trailing == 1 ? "" : "+")
        let pad = String(repeating: " ", count: indent)
        var out = "|" + chomp + "\n"
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            out += line.isEmpty ? "\n" : pad + line + "\n"
        }
        if trailing > 1 {
            out += String(repeating: "\n", count: trailing - 1)
        }
        return out
    }

    /// The scalar as go-yaml v2 would write it: plain when that reads back as the same string,
    /// double-quoted when a plain form would change type, single-quoted for other special characters.
    func quoteIfNeeded(_ s: String) -> String {
        if s.isEmpty { return "\"\"" }
        if case .value(let v) = YAMLScalarResolver.resolvePlain(s), v != .string(s) || v.stringValue == nil {
            return Self.doubleQuoted(s)
        }
        if case .merge = YAMLScalarResolver.resolvePlain(s) { return Self.doubleQuoted(s) }
        if case .notRepresentable = YAMLScalarResolver.resolvePlain(s) { return Self.doubleQuoted(s) }
        // go-yaml v2 (sigs.k8s.io/yaml, so upstream's pipeline inputs) quotes what a YAML 1.1 reader
        // would take for a timestamp or a base-60 number, though it reads them back as strings
        // itself: Ruby's Psych, for one, refuses an unquoted timestamp ("unspecified class: Time").
        if YAMLTimestamp.normalize(s) != nil || Self.isBase60Float(s) { return Self.doubleQuoted(s) }
        if Self.needsEscapes(s) { return Self.doubleQuoted(s) }
        if Self.isPlainSafe(s, flowIndicatorsAllowed: plainFlowIndicators) { return s }
        return "'" + s.replacingAll("'", with: "''") + "'"
    }

    /// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` ("1:20").
    static func isBase60Float(_ s: String) -> Bool {
        let c = Array(s.utf8)
        func isDigit(_ i: Int) -> Bool { i < c.count && c[i] >= UInt8(ascii: "0") && c[i] <= UInt8(ascii: "9") }
        var i = 0
        if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return false }
        i += 1
        while isDigit(i) || (i < c.count && c[i] == UInt8(ascii: "_")) { i += 1 }
        var groups = 0
        while i < c.count, c[i] == UInt8(ascii: ":") {
            i += 1
            // [0-5]?[0-9]
            if isDigit(i), c[i] <= UInt8(ascii: "5"), isDigit(i + 1) {
                i += 2
            } else if isDigit(i) {
                i += 1
            } else {
                return false
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if i < c.count, c[i] == UInt8(ascii: ".") {
            i += 1
            while isDigit(i) || (i < c.count && c[i] == UInt8(ascii: "_")) { i += 1 }
        }
        return i == c.count
    }

    private static func needsEscapes(_ s: String) -> Bool {
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FEFF}"
                || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
            {
                return true
            }
        }
        return false
    }

    private static func isPlainSafe(_ s: String, flowIndicatorsAllowed: Bool = false) -> Bool {
        let chars = Array(s.unicodeScalars)
        guard let first = chars.first, let last = chars.last else { return false }
        if first == " " || last == " " { return false }
        let indicators: Set<Unicode.Scalar> = [
            "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
        ]
        if indicators.contains(first) {
            // "-x", "?x" and ":x" are plain-safe when followed by a non-space character.
            guard first == "-" || first == "?" || first == ":", chars.count > 1, chars[1] != " " else { return false }
        }
        if s.hasPrefix("---") || s.hasPrefix("...") { return false }
        if last == ":" { return false }
        for i in chars.indices {
            let c = chars[i]
            if c == ":" && i + 1 < chars.count && chars[i + 1] == " " { return false }
            if c == "#" && i > 0 && chars[i - 1] == " " { return false }
            if c == "\t" { return false }
            // Flow indicators are harmless in block context (go-yaml v2 leaves them plain); quoted
            // unless asked, as this writer always did.
            if !flowIndicatorsAllowed && (c == "," || c == "[" || c == "]" || c == "{" || c == "}") { return false }
        }
        return true
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar == "\u{FEFF}" || scalar == "\u{2028}" || scalar == "\u{2029}"
                {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    if scalar.value <= 0xFF {
                        out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    } else {
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
