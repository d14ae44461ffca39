/// Quoted strings and heredocs, both of which are templates: literal text with `${...}`
/// interpolations and `%{...}` directives.
extension HCLParser {
    mutating func parseQuotedTemplate() throws(HCLError) -> HCLExpression {
        let start = position
        advance()  // "
        let parts = try parseTemplateParts(start: start, heredocEnd: nil)
        return HCLExpression(.template(parts), range: HCLSourceRange(start: start, end: position))
    }

    mutating func parseHeredoc() throws(HCLError) -> HCLExpression {
        let start = position
        advance(2)  // <<
        let flush = peek() == UInt8(ascii: "-")
        if flush { advance() }
        guard let marker = readIdentifier() else {
            throw error("expected a heredoc marker such as EOT after '<<', found \(describeCurrent())")
        }
        while peek() == 0x20 || peek() == 0x09 || peek() == 0x0D { advance() }
        guard peek() == 0x0A else {
            throw error("expected a newline after the heredoc marker \(marker), found \(describeCurrent())")
        }
        advance()
        let bodyStart = index
        var terminatorStart: Int?
        var lineStart = index
        let markerBytes = Array(marker.utf8)
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var a = lineStart
            var b = lineEnd
            while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
            while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x0D { b -= 1 }
            if bytes[a..<b].elementsEqual(markerBytes) {
                terminatorStart = lineStart
                break
            }
            lineStart = lineEnd + 1
        }
        guard let end = terminatorStart else {
            throw error("unterminated heredoc: no line holding only \(marker) closes the heredoc opened here", at: start)
        }
        var parts = try parseTemplateParts(start: start, heredocEnd: end)
        if flush { parts = Self.stripIndentation(parts, by: minimumIndentation(from: bodyStart, to: end)) }
        // Move onto the terminator line and past the marker; the newline after it ends the argument.
        while index < end { advance() }
        while peek() == 0x20 || peek() == 0x09 { advance() }
        advance(markerBytes.count)
        while peek() == 0x20 || peek() == 0x09 || peek() == 0x0D { advance() }
        return HCLExpression(.template(parts), range: HCLSourceRange(start: start, end: position))
    }

    func minimumIndentation(from start: Int, to end: Int) -> Int {
        var minimum = Int.max
        var i = start
        while i < end {
            var indent = 0
            var j = i
            while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 {
                indent += 1
                j += 1
            }
            if j < end, bytes[j] != 0x0A, bytes[j] != 0x0D { minimum = min(minimum, indent) }
            while j < end, bytes[j] != 0x0A { j += 1 }
            i = j + 1
        }
        return minimum == Int.max ? 0 : minimum
    }

    /// `<<-` heredocs drop the common indentation from the start of every line.
    static func stripIndentation(_ parts: [HCLTemplatePart], by amount: Int) -> [HCLTemplatePart] {
        guard amount > 0 else { return parts }
        var atLineStart = true
        return parts.map { part in
            guard case .literal(let text) = part else {
                atLineStart = false
                return part
            }
            var out = ""
            var toStrip = atLineStart ? amount : 0
            for character in text {
                if toStrip > 0, character == " " || character == "\t" {
                    toStrip -= 1
                    continue
                }
                toStrip = 0
                out.append(character)
                if character == "\n" { toStrip = amount }
            }
            atLineStart = toStrip > 0 || text.isEmpty && atLineStart
            return .literal(out)
        }
    }

    /// Reads template parts up to the closing quote (quoted) or to `heredocEnd` (heredoc body).
    mutating func parseTemplateParts(start: HCLPosition, heredocEnd: Int?) throws(HCLError) -> [HCLTemplatePart] {
        var parts: [HCLTemplatePart] = []
        var literal: [UInt8] = []
        var stripNextLeading = false
        let quoted = heredocEnd == nil

        func flush(_ parts: inout [HCLTemplatePart], _ literal: inout [UInt8], _ stripLeading: inout Bool) {
            var text = String(decoding: literal, as: UTF8.self)
            if stripLeading {
                text = String(text.drop { $0.isWhitespace })
                stripLeading = false
            }
            if !text.isEmpty || parts.isEmpty { parts.append(.literal(text)) }
            literal.removeAll(keepingCapacity: true)
        }

        while true {
            if let heredocEnd, index >= heredocEnd { break }
            guard let b = peek() else {
                throw error("unterminated string: no closing '\"' for the string opened here", at: start)
            }
            if quoted {
                if b == UInt8(ascii: "\"") {
                    advance()
                    break
                }
                if b == 0x0A {
                    throw error("unterminated string: a quoted string cannot span lines (use a heredoc)", at: start)
                }
                if b == UInt8(ascii: "\\") {
                    try readEscape(into: &literal)
                    continue
                }
            }
            if matches("$${") || matches("%%{") {
                literal.append(b)
                literal.append(UInt8(ascii: "{"))
                advance(3)
                continue
            }
            if matches("${") || matches("%{") {
                let isDirective = b == UInt8(ascii: "%")
                let open = position
                advance(2)
                if peek() == UInt8(ascii: "~") {
                    advance()
                    while let last = literal.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D {
                        literal.removeLast()
                    }
                }
                flush(&parts, &literal, &stripNextLeading)
                if case .literal("") = parts.last, parts.count == 1 { parts.removeAll() }
                if isDirective {
                    let textStart = index
                    while let c = peek(), c != UInt8(ascii: "}") {
                        if quoted && c == 0x0A { break }
                        advance()
                    }
                    guard peek() == UInt8(ascii: "}") else {
                        throw error("unclosed template directive: no '}' closes the '%{' opened here", at: open)
                    }
                    var directive = text(from: textStart, to: index)
                    if directive.hasSuffix("~") {
                        directive.removeLast()
                        stripNextLeading = true
                    }
                    advance()
                    parts.append(.directive(directive.trimmingSpaces))
                } else {
                    let saved = newlinesAreSpace
                    newlinesAreSpace = true
                    skipTrivia()
                    let expression = try parseExpression()
                    skipTrivia()
                    if peek() == UInt8(ascii: "~") {
                        advance()
                        stripNextLeading = true
                    }
                    guard peek() == UInt8(ascii: "}") else {
                        if atEnd { throw error("unclosed interpolation: no '}' closes the '${' opened here", at: open) }
                        throw error("expected '}' to close the interpolation, found \(describeCurrent())")
                    }
                    advance()
                    newlinesAreSpace = saved
                    parts.append(.interpolation(expression))
                }
                if let heredocEnd, index > heredocEnd {
                    throw error("interpolation runs past the end of the heredoc", at: open)
                }
                continue
            }
            literal.append(b)
            advance()
        }
        flush(&parts, &literal, &stripNextLeading)
        if parts.count > 1, case .literal("") = parts.first { parts.removeFirst() }
        return parts
    }

    mutating func readEscape(into literal: inout [UInt8]) throws(HCLError) {
        let start = position
        advance()  // backslash
        guard let c = peek() else { throw error("unterminated escape sequence", at: start) }
        advance()
        switch c {
        case UInt8(ascii: "n"): literal.append(0x0A)
        case UInt8(ascii: "r"): literal.append(0x0D)
        case UInt8(ascii: "t"): literal.append(0x09)
        case UInt8(ascii: "\""): literal.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): literal.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let h = peek(), let digit = Self.hexValue(h) else {
                    throw error("invalid escape sequence: \\\(Character(Unicode.Scalar(c))) needs \(count) hex digits", at: start)
                }
                value = value &* 16 &+ digit
                advance()
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("invalid escape sequence: U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar", at: start)
            }
            literal.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error("invalid escape sequence \\\(c < 0x80 && c >= 0x20 ? String(Character(Unicode.Scalar(c))) : "?")", at: start)
        }
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
