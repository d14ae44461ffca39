import Foundation
import KubeModel

/// Writes HCL the way Terraform's `hclwrite` does for values it is given (`SetAttributeValue`) and
/// then formats (`File.Bytes`): objects one attribute a line with sorted keys, tuples on one line,
/// two-space indentation by bracket depth, and `=` aligned within each run of single-line
/// attributes. Used by the v0.7.0 `terraform-generate` format, whose files must match upstream's
/// byte for byte.
struct HCLWriter {
    enum Kind: Equatable {
        case identifier, literal, equal, openBrace, closeBrace, openBracket, closeBracket, comma, dot, newline
    }

    struct Token {
        var kind: Kind
        var text: String
        var spacesBefore = 0

        var bracketChange: Int {
            switch kind {
            case .openBrace, .openBracket: return 1
            case .closeBrace, .closeBracket: return -1
            default: return 0
            }
        }
    }

    struct Unsupported: Error {
        var typeName: String
    }

    private(set) var tokens: [Token] = []

    mutating func append(_ kind: Kind, _ text: String) { tokens.append(Token(kind: kind, text: text)) }

    /// `type "label" {` … `}`, the body written by `body`.
    mutating func block(_ type: String, label: String, body: (inout HCLWriter) throws(Unsupported) -> Void) throws(Unsupported) {
        append(.identifier, type)
        append(.literal, Self.quoted(label))
        append(.openBrace, "{")
        append(.newline, "\n")
        try body(&self)
        append(.closeBrace, "}")
        append(.newline, "\n")
    }

    mutating func blankLine() { append(.newline, "\n") }

    mutating func attribute(_ name: String, _ value: JSONValue) throws(Unsupported) {
        append(.identifier, name)
        append(.equal, "=")
        try self.value(value)
        append(.newline, "\n")
    }

    /// `name = a.b.c`, a bare traversal.
    mutating func attribute(_ name: String, traversal: [String]) {
        append(.identifier, name)
        append(.equal, "=")
        for (index, part) in traversal.enumerated() {
            if index > 0 { append(.dot, ".") }
            append(.identifier, part)
        }
        append(.newline, "\n")
    }

    mutating func value(_ value: JSONValue) throws(Unsupported) {
        switch value {
        case .string(let s): append(.literal, Self.quoted(s))
        case .bool(let b): append(.literal, b ? "true" : "false")
        case .int(let i): append(.literal, String(i))
        case .double(let d): append(.literal, Self.number(d))
        case .number(let n): append(.literal, n)
        case .null: throw Unsupported(typeName: "<nil>")
        case .array(let items):
            append(.openBracket, "[")
            for (index, item) in items.enumerated() {
                if index > 0 { append(.comma, ",") }
                try self.value(item)
            }
            append(.closeBracket, "]")
        case .object(let members):
            append(.openBrace, "{")
            if !members.isEmpty { append(.newline, "\n") }
            // cty objects iterate their attributes in sorted order.
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if Self.isIdentifier(key) { append(.identifier, key) } else { append(.literal, Self.quoted(key)) }
                append(.equal, "=")
                try self.value(members[key]!)
                append(.newline, "\n")
            }
            append(.closeBrace, "}")
        }
    }

    /// hclsyntax.ValidIdentifier for the ASCII names request keys use: a letter or `_` first,
    /// then letters, digits, `_` and `-`.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// A quoted string literal; template sequences are escaped so the value stays literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        var previous: Unicode.Scalar?
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "{" where previous == "$" || previous == "%":
                out.unicodeScalars.append(previous!)
                out += "{"
            default:
                if c.value < 0x20 {
                    out += String(format: "\\u%04X", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
            previous = c
        }
        return out + "\""
    }

    /// big.Float's `Text('f', -1)`: the shortest decimal that reads back, never an exponent.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e18 { return String(Int64(d)) }
        let text = String(d)
        guard text.contains("e") else { return text }
        return "\(Decimal(d))"
    }

    /// The formatted text: indentation, spacing and alignment as hclwrite's `format`.
    func formatted() -> String {
        var lines: [[Token]] = [[]]
        for token in tokens {
            lines[lines.count - 1].append(token)
            if token.kind == .newline { lines.append([]) }
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        // Indentation by bracket depth.
        var indents: [Int] = []
        for i in lines.indices {
            guard let first = lines[i].first, first.kind != .newline else { continue }
            let net = lines[i].reduce(0) { $0 + $1.bracketChange }
            if net > 0 {
                lines[i][0].spacesBefore = 2 * indents.count
                indents.append(net)
            } else if net < 0 {
                var closed = -net
                while closed > 0, let top = indents.last {
                    if closed > top {
                        closed -= top
                        indents.removeLast()
                    } else if closed < top {
                        indents[indents.count - 1] -= closed
                        closed = 0
                    } else {
                        indents.removeLast()
                        closed = 0
                    }
                }
                lines[i][0].spacesBefore = 2 * indents.count
            } else {
                lines[i][0].spacesBefore = 2 * indents.count
            }
        }
        // Spaces between tokens on a line.
        for i in lines.indices where lines[i].count > 1 {
            for j in 1..<lines[i].count {
                let before = lines[i][j - 1]
                let after = lines[i][j]
                lines[i][j].spacesBefore = Self.spaceBetween(before, after) ? 1 : 0
            }
        }
        // `=` alignment within runs of single-line attributes.
        var chain: [(line: Int, equal: Int, columns: Int)] = []
        func close() {
            let widest = chain.map(\.columns).max() ?? 0
            for entry in chain { lines[entry.line][entry.equal].spacesBefore = widest - entry.columns + 1 }
            chain.removeAll()
        }
        for i in lines.indices {
            let line = lines[i]
            if let equal = line.indices.first(where: { $0 > 0 && line[$0].kind == .equal }),
               line[equal...].reduce(0, { $0 + $1.bracketChange }) == 0
            {
                let columns = line[..<equal].reduce(0) { $0 + $1.spacesBefore + $1.text.count }
                chain.append((i, equal, columns))
            } else {
                close()
            }
        }
        close()
        var out = ""
        for line in lines {
            for token in line {
                if token.kind != .newline { out += String(repeating: " ", count: token.spacesBefore) }
                out += token.text
            }
        }
        return out
    }

    static func spaceBetween(_ subject: Token, _ after: Token) -> Bool {
        switch (subject.kind, after.kind) {
        case (_, .newline): return false
        case (.dot, _), (_, .dot): return false
        case (_, .comma): return false
        case (.comma, _): return true
        case (.openBrace, _), (.openBracket, _): return false
        case (_, .closeBrace), (_, .closeBracket): return false
        default: return true
        }
    }
}
