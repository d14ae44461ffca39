/// Options for turning a ``JSONValue`` into JSON text.
public struct JSONSerializationOptions: Sendable, Equatable {
    /// Sort object keys (what Go's `encoding/json` does for maps, and so what hashes are computed over).
    public var sortedKeys: Bool = false
    /// Escape `<`, `>` and `&` as `\u003c` etc., as Go's `encoding/json` does by default.
    public var escapeHTML: Bool = false
    /// Two-space indentation and newlines.
    public var pretty: Bool = false

    public init(sortedKeys: Bool = false, escapeHTML: Bool = false, pretty: Bool = false) {
        self.sortedKeys = sortedKeys
        self.escapeHTML = escapeHTML
        self.pretty = pretty
    }

    /// The encoding Go's `json.Marshal` gives a generic map: sorted keys, compact, HTML escaped.
    public static let go = JSONSerializationOptions(sortedKeys: true, escapeHTML: true)
}

extension JSONValue {
    /// JSON text as bytes.
    public func serializedBytes(_ options: JSONSerializationOptions = .init()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, options: options, indent: 0)
        return out
    }

    /// JSON text.
    public func serialized(_ options: JSONSerializationOptions = .init()) -> String {
        String(decoding: serializedBytes(options), as: UTF8.self)
    }

    private func write(to out: inout [UInt8], options: JSONSerializationOptions, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: JSONValue.formatDouble(d).utf8)
        case .number(let s): out.append(contentsOf: s.utf8)
        case .string(let s): JSONValue.writeString(s, to: &out, escapeHTML: options.escapeHTML)
        case .array(let a):
            if a.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if options.pretty { newline(&out, indent + 1) }
                element.write(to: &out, options: options, indent: indent + 1)
            }
            if options.pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String, _ value: JSONValue) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if options.pretty { newline(&out, indent + 1) }
                JSONValue.writeString(key, to: &out, escapeHTML: options.escapeHTML)
                out.append(UInt8(ascii: ":"))
                if options.pretty { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, options: options, indent: indent + 1)
            }
            if options.sortedKeys {
                for key in o.keys.sorted(by: JSONValue.byteOrder) { member(key, o[key]!) }
            } else {
                for (key, value) in o { member(key, value) }
            }
            if options.pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Byte-wise (UTF-8) key order, which is Go's `sort.Strings` order.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Go-compatible float formatting: integral values without a fraction, shortest round-trip digits.
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }  // not representable; callers reject these earlier
        if d == d.rounded(), abs(d) < 1e21 {
            if let i = Int64(exactly: d) { return String(i) }
        }
        var text = d.description
        // Swift writes "1e-07"; Go writes "1e-07" too, but never a trailing ".0" before an exponent.
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    static func writeString(_ s: String, to out: inout [UInt8], escapeHTML: Bool) {
        out.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape (nearly every byte of a Kubernetes object) are copied
        // whole; only the bytes that do are written one at a time.
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard needsEscape(byte, escapeHTML: escapeHTML) else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                appendEscaped(byte, to: &out)
                runStart = index + 1
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8, escapeHTML: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0..<0x20: return true
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): return escapeHTML
        default: return false
        }
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            // `\u00XX`: the other control characters, and `<`, `>`, `&` when HTML is escaped.
            func digit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digit(byte >> 4), digit(byte & 0xF)])
        }
    }
}
