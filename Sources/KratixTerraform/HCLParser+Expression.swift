/// Expressions: operators by precedence, postfix traversals, and the primary forms.
extension HCLParser {
    mutating func parseExpression() throws(HCLError) -> HCLExpression {
        try enter()
        defer { leave() }
        let condition = try parseBinary(level: 0)
        skipTrivia()
        guard peek() == UInt8(ascii: "?") else { return condition }
        advance()
        skipTrivia()
        let whenTrue = try parseExpression()
        skipTrivia()
        guard peek() == UInt8(ascii: ":") else {
            throw error("expected ':' in the conditional expression, found \(describeCurrent())")
        }
        advance()
        skipTrivia()
        let whenFalse = try parseExpression()
        return HCLExpression(
            .conditional(condition, whenTrue, whenFalse),
            range: HCLSourceRange(start: condition.range.start, end: whenFalse.range.end))
    }

    /// Operators from loosest (`||`) to tightest (`*`); each level is left-associative.
    static let precedence: [[(String, HCLOperator)]] = [
        [("||", .or)],
        [("&&", .and)],
        [("==", .equal), ("!=", .notEqual)],
        [("<=", .lessOrEqual), (">=", .greaterOrEqual), ("<", .less), (">", .greater)],
        [("+", .add), ("-", .subtract)],
        [("*", .multiply), ("/", .divide), ("%", .modulo)],
    ]

    mutating func parseBinary(level: Int) throws(HCLError) -> HCLExpression {
        guard level < Self.precedence.count else { return try parseUnary() }
        var lhs = try parseBinary(level: level + 1)
        // Each operator deepens the (left-nested) tree, which evaluation walks recursively, so
        // chains count against the nesting limit too.
        var chained = 0
        defer { depth -= chained }
        while true {
            skipTrivia()
            guard let op = matchOperator(Self.precedence[level]) else { return lhs }
            advance(op.0.utf8.count)
            skipTrivia()
            try enter()
            chained += 1
            let rhs = try parseBinary(level: level + 1)
            lhs = HCLExpression(.binary(op.1, lhs, rhs), range: HCLSourceRange(start: lhs.range.start, end: rhs.range.end))
        }
    }

    func matchOperator(_ candidates: [(String, HCLOperator)]) -> (String, HCLOperator)? {
        for candidate in candidates where matches(candidate.0) {
            // `<<` starts a heredoc, `=>` belongs to for expressions, `<=`/`>=` are handled first.
            if candidate.0 == "<" && matches("<<") { return nil }
            if candidate.0 == "*" && matches("*/") { return nil }
            return candidate
        }
        return nil
    }

    mutating func parseUnary() throws(HCLError) -> HCLExpression {
        let start = position
        if peek() == UInt8(ascii: "-") || (peek() == UInt8(ascii: "!") && peek(1) != UInt8(ascii: "=")) {
            let op: HCLOperator = peek() == UInt8(ascii: "-") ? .negate : .not
            advance()
            skipTrivia()
            try enter()
            defer { leave() }
            let operand = try parseUnary()
            return HCLExpression(.unary(op, operand), range: HCLSourceRange(start: start, end: operand.range.end))
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws(HCLError) -> HCLExpression {
        var expression = try parsePrimary()
        var chained = 0
        defer { depth -= chained }
        while true {
            let save = (index, line, column)
            skipTrivia()
            if peek() == UInt8(ascii: ".") || peek() == UInt8(ascii: "["), !matches("...") {
                try enter()
                chained += 1
            }
            if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
                advance()
                if peek() == UInt8(ascii: "*") {
                    advance()
                    expression = HCLExpression(.splat(expression), range: HCLSourceRange(start: expression.range.start, end: position))
                } else if let name = readIdentifier() {
                    expression = HCLExpression(
                        .getAttribute(expression, name), range: HCLSourceRange(start: expression.range.start, end: position))
                } else if let b = peek(), Self.isDigit(b) {
                    let numberStart = position
                    while let d = peek(), Self.isDigit(d) { advance() }
                    let key = HCLExpression(
                        .number(text(from: numberStart.offset, to: index)), range: HCLSourceRange(start: numberStart, end: position))
                    expression = HCLExpression(.index(expression, key), range: HCLSourceRange(start: expression.range.start, end: position))
                } else {
                    throw error("expected an attribute name after '.', found \(describeCurrent())")
                }
            } else if peek() == UInt8(ascii: "[") {
                advance()
                let saved = newlinesAreSpace
                newlinesAreSpace = true
                skipTrivia()
                if peek() == UInt8(ascii: "*") {
                    advance()
                    skipTrivia()
                    guard peek() == UInt8(ascii: "]") else { throw error("expected ']' after '[*', found \(describeCurrent())") }
                    advance()
                    newlinesAreSpace = saved
                    expression = HCLExpression(.splat(expression), range: HCLSourceRange(start: expression.range.start, end: position))
                } else {
                    let key = try parseExpression()
                    skipTrivia()
                    guard peek() == UInt8(ascii: "]") else { throw error("expected ']' to close the index, found \(describeCurrent())") }
                    advance()
                    newlinesAreSpace = saved
                    expression = HCLExpression(.index(expression, key), range: HCLSourceRange(start: expression.range.start, end: position))
                }
            } else {
                (index, line, column) = save
                return expression
            }
        }
    }

    mutating func parsePrimary() throws(HCLError) -> HCLExpression {
        if let e = unterminatedCommentError() { throw e }
        let start = position
        guard let b = peek() else { throw error("expected an expression, found end of file") }
        switch b {
        case UInt8(ascii: "\""):
            return try parseQuotedTemplate()
        case UInt8(ascii: "<") where matches("<<"):
            return try parseHeredoc()
        case UInt8(ascii: "["):
            return try parseTuple()
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "("):
            advance()
            let saved = newlinesAreSpace
            newlinesAreSpace = true
            skipTrivia()
            let inner = try parseExpression()
            skipTrivia()
            guard peek() == UInt8(ascii: ")") else {
                throw error("expected ')' to close the parenthesis opened at line \(start.line), column \(start.column), found \(describeCurrent())")
            }
            advance()
            newlinesAreSpace = saved
            return HCLExpression(.parenthesized(inner), range: HCLSourceRange(start: start, end: position))
        case _ where Self.isDigit(b):
            return try parseNumber()
        case _ where Self.isIdentifierStart(b):
            var name = readIdentifier() ?? ""
            while matches("::"), let next = peek(2), Self.isIdentifierStart(next) {
                advance(2)
                name += "::" + (readIdentifier() ?? "")
            }
            switch name {
            case "true": return HCLExpression(.bool(true), range: HCLSourceRange(start: start, end: position))
            case "false": return HCLExpression(.bool(false), range: HCLSourceRange(start: start, end: position))
            case "null": return HCLExpression(.null, range: HCLSourceRange(start: start, end: position))
            default: break
            }
            let save = (index, line, column)
            skipTrivia()
            if peek() == UInt8(ascii: "(") {
                return try parseCall(name: name, start: start)
            }
            (index, line, column) = save
            return HCLExpression(.variable(name), range: HCLSourceRange(start: start, end: position))
        default:
            throw error("expected an expression, found \(describeCurrent())")
        }
    }

    mutating func parseNumber() throws(HCLError) -> HCLExpression {
        let start = position
        while let d = peek(), Self.isDigit(d) { advance() }
        if peek() == UInt8(ascii: "."), let next = peek(1), Self.isDigit(next) {
            advance()
            while let d = peek(), Self.isDigit(d) { advance() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let signed = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if let d = peek(signed ? 2 : 1), Self.isDigit(d) {
                advance(signed ? 2 : 1)
                while let d = peek(), Self.isDigit(d) { advance() }
            }
        }
        return HCLExpression(.number(text(from: start.offset, to: index)), range: HCLSourceRange(start: start, end: position))
    }

    mutating func parseCall(name: String, start: HCLPosition) throws(HCLError) -> HCLExpression {
        try enter()
        defer { leave() }
        let open = position
        advance()  // (
        let saved = newlinesAreSpace
        newlinesAreSpace = true
        defer { newlinesAreSpace = saved }
        var arguments: [HCLExpression] = []
        var expandFinal = false
        skipTrivia()
        while peek() != UInt8(ascii: ")") {
            if atEnd {
                throw error("unclosed call: no ')' closes the \"\(name)(\" opened at line \(open.line), column \(open.column)", at: open)
            }
            arguments.append(try parseExpression())
            skipTrivia()
            if matches("...") {
                advance(3)
                expandFinal = true
                skipTrivia()
                guard peek() == UInt8(ascii: ")") else { throw error("'...' may only follow the last argument") }
                break
            }
            if peek() == UInt8(ascii: ",") {
                advance()
                skipTrivia()
            } else if peek() != UInt8(ascii: ")") {
                if atEnd || isMismatchedCloser {
                    throw error("unclosed call: no ')' closes the \"\(name)(\" opened at line \(open.line), column \(open.column)", at: open)
                }
                throw error("expected ',' or ')' in the arguments of \"\(name)\", found \(describeCurrent())")
            }
        }
        advance()  // )
        return HCLExpression(
            .call(name: name, arguments: arguments, expandFinal: expandFinal), range: HCLSourceRange(start: start, end: position))
    }

    /// A closing bracket of another kind where a separator was expected: the real problem is
    /// the bracket left open, so that is what gets reported.
    var isMismatchedCloser: Bool {
        peek() == UInt8(ascii: "}") || peek() == UInt8(ascii: "]") || peek() == UInt8(ascii: ")")
    }

    mutating func parseTuple() throws(HCLError) -> HCLExpression {
        try enter()
        defer { leave() }
        let start = position
        advance()  // [
        let saved = newlinesAreSpace
        newlinesAreSpace = true
        defer { newlinesAreSpace = saved }
        skipTrivia()
        if let forExpression = try parseForIfPresent(closing: UInt8(ascii: "]"), start: start) { return forExpression }
        var elements: [HCLExpression] = []
        while peek() != UInt8(ascii: "]") {
            if atEnd { throw error("unclosed list: no ']' closes the '[' opened at line \(start.line), column \(start.column)", at: start) }
            elements.append(try parseExpression())
            skipTrivia()
            if peek() == UInt8(ascii: ",") {
                advance()
                skipTrivia()
            } else if peek() != UInt8(ascii: "]") {
                if atEnd || isMismatchedCloser {
                    throw error("unclosed list: no ']' closes the '[' opened at line \(start.line), column \(start.column)", at: start)
                }
                throw error("expected ',' or ']' in the list, found \(describeCurrent())")
            }
        }
        advance()
        return HCLExpression(.tuple(elements), range: HCLSourceRange(start: start, end: position))
    }

    mutating func parseObject() throws(HCLError) -> HCLExpression {
        try enter()
        defer { leave() }
        let start = position
        advance()  // {
        let saved = newlinesAreSpace
        defer { newlinesAreSpace = saved }
        newlinesAreSpace = true
        skipTrivia()
        if let forExpression = try parseForIfPresent(closing: UInt8(ascii: "}"), start: start) { return forExpression }
        // Items are separated by commas or newlines, so newlines matter again between them.
        newlinesAreSpace = false
        var items: [HCLObjectItem] = []
        while true {
            skipTrivia(includingNewlines: true)
            if let e = unterminatedCommentError() { throw e }
            if peek() == UInt8(ascii: "}") { break }
            if atEnd { throw error("unclosed object: no '}' closes the '{' opened at line \(start.line), column \(start.column)", at: start) }
            let key = try parseExpression()
            skipTrivia()
            guard peek() == UInt8(ascii: "=") || peek() == UInt8(ascii: ":") else {
                throw error("expected '=' or ':' after the object key, found \(describeCurrent())")
            }
            advance()
            skipTrivia()
            let value = try parseExpression()
            items.append(HCLObjectItem(key: key, value: value))
            skipTrivia()
            if let e = unterminatedCommentError() { throw e }
            if peek() == UInt8(ascii: ",") || peek() == 0x0A {
                advance()
            } else if peek() != UInt8(ascii: "}") {
                if atEnd { throw error("unclosed object: no '}' closes the '{' opened at line \(start.line), column \(start.column)", at: start) }
                throw error("expected ',', a newline or '}' after the object item, found \(describeCurrent())")
            }
        }
        advance()
        return HCLExpression(.object(items), range: HCLSourceRange(start: start, end: position))
    }

    /// `[for v in xs : expr if cond]` or `{for k, v in m : key => value... if cond}` after the bracket.
    mutating func parseForIfPresent(closing: UInt8, start: HCLPosition) throws(HCLError) -> HCLExpression? {
        guard matches("for"), let after = peek(3), after == 0x20 || after == 0x09 || after == 0x0A || after == 0x0D else {
            return nil
        }
        let save = (index, line, column)
        advance(3)
        skipTrivia()
        guard let first = readIdentifier() else {
            (index, line, column) = save
            return nil
        }
        newlinesAreSpace = true
        skipTrivia()
        var keyVariable: String?
        var valueVariable = first
        if peek() == UInt8(ascii: ",") {
            advance()
            skipTrivia()
            guard let second = readIdentifier() else { throw error("expected a variable name after ',' in the for expression") }
            keyVariable = first
            valueVariable = second
            skipTrivia()
        }
        guard matches("in"), let next = peek(2), !Self.isIdentifierContinue(next) else {
            throw error("expected 'in' in the for expression, found \(describeCurrent())")
        }
        advance(2)
        skipTrivia()
        let collection = try parseExpression()
        skipTrivia()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':' in the for expression, found \(describeCurrent())") }
        advance()
        skipTrivia()
        var keyExpression: HCLExpression?
        var valueExpression = try parseExpression()
        skipTrivia()
        if closing == UInt8(ascii: "}") {
            guard matches("=>") else { throw error("expected '=>' in the object for expression, found \(describeCurrent())") }
            advance(2)
            skipTrivia()
            keyExpression = valueExpression
            valueExpression = try parseExpression()
            skipTrivia()
        }
        var grouping = false
        if matches("...") {
            advance(3)
            grouping = true
            skipTrivia()
        }
        var condition: HCLExpression?
        if matches("if"), let next = peek(2), !Self.isIdentifierContinue(next) {
            advance(2)
            skipTrivia()
            condition = try parseExpression()
            skipTrivia()
        }
        guard peek() == closing else {
            throw error("expected '\(Character(Unicode.Scalar(closing)))' to close the for expression, found \(describeCurrent())")
        }
        advance()
        let expression = HCLForExpression(
            keyVariable: keyVariable, valueVariable: valueVariable, collection: collection, keyExpression: keyExpression,
            valueExpression: valueExpression, grouping: grouping, condition: condition)
        return HCLExpression(.forExpression(expression), range: HCLSourceRange(start: start, end: position))
    }
}
