/// Reads HCL native syntax (the `.tf` format) into an ``HCLBody``.
///
/// A scannerless recursive-descent parser: templates, heredocs and newline-sensitive bodies make a
/// separate token stream more awkward than reading bytes directly. Every failure is an
/// ``HCLError`` at the offending character; nothing traps on input, and nesting is bounded so
/// hostile input cannot exhaust the stack.
public struct HCLParser: Sendable {
    /// Deeper nesting than this is rejected rather than recursed into.
    public static let maximumDepth = 96

    let file: String
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1
    /// Inside parentheses, brackets and interpolations newlines are plain whitespace.
    var newlinesAreSpace = false
    var depth = 0

    public init(source: String, file: String) {
        self.file = file
        self.bytes = Array(source.utf8)
    }

    /// Parses a whole file.
    public static func parse(_ source: String, file: String) throws(HCLError) -> HCLBody {
        var parser = HCLParser(source: source, file: file)
        return try parser.parseFile()
    }

    /// Parses one expression (the whole input must be the expression), for tests and tools.
    public static func parseExpression(_ source: String, file: String = "<expression>") throws(HCLError) -> HCLExpression {
        var parser = HCLParser(source: source, file: file)
        parser.newlinesAreSpace = true
        let expression = try parser.parseExpression()
        parser.skipTrivia()
        if !parser.atEnd { throw parser.error("unexpected \(parser.describeCurrent()) after the expression") }
        return expression
    }

    mutating func parseFile() throws(HCLError) -> HCLBody {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        return try parseBody(openedAt: nil)
    }

    // MARK: Cursor

    var atEnd: Bool { index >= bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    var position: HCLPosition { HCLPosition(offset: index, line: line, column: column) }

    mutating func advance() {
        guard index < bytes.count else { return }
        let b = bytes[index]
        index += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    mutating func advance(_ count: Int) {
        for _ in 0..<count { advance() }
    }

    func matches(_ text: String) -> Bool {
        var i = index
        for b in text.utf8 {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    func error(_ message: String, at position: HCLPosition? = nil) -> HCLError {
        HCLError(file: file, at: position ?? self.position, message)
    }

    func describeCurrent() -> String {
        guard let b = peek() else { return "end of file" }
        if b == 0x0A { return "newline" }
        if b < 0x80, b >= 0x20 { return "'\(Character(Unicode.Scalar(b)))'" }
        return "character"
    }

    func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[max(0, start)..<min(end, bytes.count)], as: UTF8.self)
    }

    // MARK: Trivia

    /// Skips spaces and comments, and newlines too when `newlinesAreSpace` (or `includingNewlines`).
    mutating func skipTrivia(includingNewlines: Bool = false) {
        let newlines = includingNewlines || newlinesAreSpace
        while let b = peek() {
            switch b {
            case 0x20, 0x09, 0x0D:
                advance()
            case 0x0A where newlines:
                advance()
            case UInt8(ascii: "#"):
                skipLineComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                skipLineComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                // An unterminated block comment is reported by whoever expected more input.
                if !skipBlockComment() { return }
            default:
                return
            }
        }
    }

    mutating func skipLineComment() {
        while let b = peek(), b != 0x0A { advance() }
    }

    /// False (leaving the cursor on `/*`) when the comment never ends.
    mutating func skipBlockComment() -> Bool {
        var i = index + 2
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") {
                advance(i + 2 - index)
                return true
            }
            i += 1
        }
        return false
    }

    func unterminatedCommentError() -> HCLError? {
        if matches("/*") { return error("unterminated comment: no '*/' closes the comment opened here") }
        return nil
    }

    mutating func enter() throws(HCLError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting is too deep (more than \(Self.maximumDepth) levels)") }
    }

    mutating func leave() { depth -= 1 }

    // MARK: Bodies

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b >= 0x80
    }

    static func isIdentifierContinue(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func readIdentifier() -> String? {
        guard let b = peek(), Self.isIdentifierStart(b) else { return nil }
        let start = index
        while let c = peek(), Self.isIdentifierContinue(c) { advance() }
        return text(from: start, to: index)
    }

    /// Reads items until `}` (for a block) or the end of file (for the file body).
    mutating func parseBody(openedAt open: HCLPosition?) throws(HCLError) -> HCLBody {
        try enter()
        defer { leave() }
        var body = HCLBody()
        var seen: [String: HCLPosition] = [:]
        let saved = newlinesAreSpace
        newlinesAreSpace = false
        defer { newlinesAreSpace = saved }
        while true {
            skipTrivia(includingNewlines: true)
            if let e = unterminatedCommentError() { throw e }
            guard let b = peek() else {
                if let open { throw error("unclosed block: no '}' closes the block opened at line \(open.line), column \(open.column)", at: open) }
                return body
            }
            if b == UInt8(ascii: "}") {
                guard open != nil else { throw error("unexpected '}' with no block open") }
                advance()
                return body
            }
            let itemStart = position
            guard let name = readIdentifier() else {
                throw error("expected an argument name or a block type, found \(describeCurrent())")
            }
            skipTrivia()
            if peek() == UInt8(ascii: "="), peek(1) != UInt8(ascii: "=") {
                advance()
                skipTrivia()
                let expression = try parseExpression()
                if let previous = seen[name] {
                    throw error("duplicate argument \"\(name)\" (first set at line \(previous.line), column \(previous.column))", at: itemStart)
                }
                seen[name] = itemStart
                body.attributes.append(HCLAttribute(name: name, expression: expression, position: itemStart))
                try expectItemEnd(allowBrace: open != nil, what: "argument")
                continue
            }
            var labels: [String] = []
            while true {
                if peek() == UInt8(ascii: "\"") {
                    let labelStart = position
                    let label = try parseQuotedTemplate()
                    guard let text = label.literalString else {
                        throw error("block labels cannot contain interpolations", at: labelStart)
                    }
                    labels.append(text)
                } else if let ident = readIdentifier() {
                    labels.append(ident)
                } else {
                    break
                }
                skipTrivia()
            }
            guard peek() == UInt8(ascii: "{") else {
                if labels.isEmpty {
                    throw error("expected '=' or a block after \"\(name)\", found \(describeCurrent())")
                }
                throw error("expected '{' to open the \"\(name)\" block, found \(describeCurrent())")
            }
            let brace = position
            advance()
            let inner = try parseBody(openedAt: brace)
            body.blocks.append(HCLBlock(type: name, labels: labels, body: inner, position: itemStart))
            try expectItemEnd(allowBrace: open != nil, what: "block")
        }
    }

    /// An argument or block ends at a newline, the end of the file, or the enclosing `}`.
    mutating func expectItemEnd(allowBrace: Bool, what: String) throws(HCLError) {
        skipTrivia()
        if let e = unterminatedCommentError() { throw e }
        guard let b = peek() else { return }
        if b == 0x0A { return }
        if b == UInt8(ascii: "}") && allowBrace { return }
        throw error("expected a newline after the \(what), found \(describeCurrent())")
    }
}
