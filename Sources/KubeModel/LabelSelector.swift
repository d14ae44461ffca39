/// A `metav1.LabelSelector`: `matchLabels` plus set-based `matchExpressions`, all of which must hold.
///
/// An empty selector matches everything (as in the API); use ``LabelRequirement`` lists to build
/// query strings, and ``LabelSelector/init(parsing:)`` for the `a=b,c!=d,e in (x,y),!f` syntax.
public struct LabelSelector: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?
    public var unknownFields = UnknownFields()

    /// One set-based expression of a label selector.
    public struct Requirement: Codable, Sendable, Equatable {
        public enum Operator: String, Codable, Sendable {
            case `in` = "In"
            case notIn = "NotIn"
            case exists = "Exists"
            case doesNotExist = "DoesNotExist"
        }

        public var key: String
        public var `operator`: Operator
        public var values: [String]?

        public init(key: String, operator: Operator, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Parses the Kubernetes selector string syntax.
    ///
    /// Equality (`=`, `==`, `!=`), set (`in`, `notin`) and existence (`key`, `!key`) requirements map
    /// onto the API form; numeric `>`/`<` have no API form and are rejected here (use ``LabelRequirement``).
    public init(parsing text: String) throws(ModelError) {
        self.init()
        for requirement in try LabelRequirement.parse(text) {
            switch requirement.operator {
            case .equals:
                var labels = matchLabels ?? [:]
                labels[requirement.key] = requirement.values.first ?? ""
                matchLabels = labels
            case .notEquals, .notIn:
                matchExpressions = (matchExpressions ?? []) + [Requirement(key: requirement.key, operator: .notIn, values: requirement.values)]
            case .in:
                matchExpressions = (matchExpressions ?? []) + [Requirement(key: requirement.key, operator: .in, values: requirement.values)]
            case .exists:
                matchExpressions = (matchExpressions ?? []) + [Requirement(key: requirement.key, operator: .exists)]
            case .doesNotExist:
                matchExpressions = (matchExpressions ?? []) + [Requirement(key: requirement.key, operator: .doesNotExist)]
            case .greaterThan, .lessThan:
                throw ModelError(.invalidValue(
                    field: "selector", value: "\"\(text)\"",
                    reason: "numeric comparisons have no LabelSelector form"))
            }
        }
    }

    /// The selector as requirements, in a stable order (labels sorted by key, then expressions).
    public var requirements: [LabelRequirement] {
        var out: [LabelRequirement] = []
        for (key, value) in (matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) {
            out.append(LabelRequirement(key: key, operator: .equals, values: [value]))
        }
        for expression in matchExpressions ?? [] {
            let op: LabelRequirement.Operator
            switch expression.operator {
            case .in: op = .in
            case .notIn: op = .notIn
            case .exists: op = .exists
            case .doesNotExist: op = .doesNotExist
            }
            out.append(LabelRequirement(key: expression.key, operator: op, values: expression.values ?? []))
        }
        return out
    }

    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// The query-string form, e.g. `app=web,tier in (a,b)`.
    public var selectorString: String { LabelRequirement.render(requirements) }
}

/// One requirement of a label selector in its string form; a list of them is ANDed.
public struct LabelRequirement: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: Sendable, Equatable {
        case equals, notEquals, `in`, notIn, exists, doesNotExist, greaterThan, lessThan
    }

    public var key: String
    public var `operator`: Operator
    public var values: [String]

    public init(key: String, operator: Operator, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    public func matches(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch self.operator {
        case .equals, .in: return value.map { values.contains($0) } ?? false
        case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
        case .exists: return value != nil
        case .doesNotExist: return value == nil
        case .greaterThan, .lessThan:
            guard let value, let actual = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else { return false }
            return self.operator == .greaterThan ? actual > bound : actual < bound
        }
    }

    public var description: String {
        switch self.operator {
        case .equals: return "\(key)=\(values.first ?? "")"
        case .notEquals: return "\(key)!=\(values.first ?? "")"
        case .in: return "\(key) in (\(values.sorted().joined(separator: ",")))"
        case .notIn: return "\(key) notin (\(values.sorted().joined(separator: ",")))"
        case .exists: return key
        case .doesNotExist: return "!\(key)"
        case .greaterThan: return "\(key)>\(values.first ?? "")"
        case .lessThan: return "\(key)<\(values.first ?? "")"
        }
    }

    public static func render(_ requirements: [LabelRequirement]) -> String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// Parses `a=b,c!=d,e in (x,y),!f,g`. Keys and values are validated as label keys and values.
    public static func parse(_ text: String) throws(ModelError) -> [LabelRequirement] {
        var parser = SelectorParser(text: text)
        return try parser.parse()
    }
}

/// Label keys and values as the API server validates them.
public enum LabelValidation {
    /// `[prefix/]name`: prefix a DNS subdomain of at most 253 characters, name at most 63 characters of
    /// alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. `nil` when valid, else why not.
    public static func keyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            let prefix = parts[0]
            if prefix.isEmpty { return "prefix part must be non-empty" }
            if prefix.count > 253 { return "prefix part must be no more than 253 characters" }
            if !isDNSSubdomain(prefix) {
                return "prefix part must be a lowercase RFC 1123 subdomain"
            }
            name = parts[1]
        default:
            return "a qualified name must consist of an optional DNS subdomain prefix and a name, separated by '/'"
        }
        if name.isEmpty { return "name part must be non-empty" }
        if name.count > 63 { return "name part must be no more than 63 characters" }
        if !isQualifiedNamePart(name) {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        }
        return nil
    }

    public static func valueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.count > 63 { return "must be no more than 63 characters" }
        if !isQualifiedNamePart(Substring(value)) {
            return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        }
        return nil
    }

    static func isAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Byte by byte, as ``isDNSSubdomain(_:)``: a non-ASCII byte fails as its character would.
    static func isQualifiedNamePart(_ s: Substring) -> Bool {
        let bytes = s.utf8
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// RFC 1123 subdomain: lower-case alphanumerics, `-` and `.`, labels starting and ending alphanumeric.
    public static func isDNSSubdomain<S: StringProtocol>(_ s: S) -> Bool {
        // Byte by byte: only ASCII is allowed, so a non-ASCII byte fails as its character would,
        // and the byte count is the character count of every name that can pass.
        let bytes = s.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        var previous = UInt8(ascii: ".")  // the byte before a label's first
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard alphanumeric(previous) else { return false }  // empty label, or one ending in `-`
            } else if byte == UInt8(ascii: "-") {
                guard previous != UInt8(ascii: ".") else { return false }  // a label starting with `-`
            } else if !alphanumeric(byte) {
                return false
            }
            previous = byte
        }
        return alphanumeric(previous)
    }

    /// RFC 1123 label: at most 63 lower-case alphanumerics or `-`, starting and ending alphanumeric.
    public static func isDNSLabel<S: StringProtocol>(_ s: S) -> Bool {
        // Bytes, as ``isDNSSubdomain(_:)`` counts them: only ASCII passes there.
        guard !s.isEmpty, s.utf8.count <= 63, !s.utf8.contains(UInt8(ascii: ".")) else { return false }
        return isDNSSubdomain(s)
    }
}

private struct SelectorParser {
    let chars: [Character]
    var index = 0
    let text: String

    init(text: String) {
        self.text = text
        self.chars = Array(text)
    }

    private func error(_ reason: String) -> ModelError {
        ModelError(.invalidValue(field: "selector", value: "\"\(text)\"", reason: reason))
    }

    private static let special: Set<Character> = ["!", "=", ",", "(", ")", "<", ">"]

    mutating func skipSpaces() {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
    }

    mutating func identifier() -> String {
        skipSpaces()
        var out = ""
        while index < chars.count, !chars[index].isWhitespace, !Self.special.contains(chars[index]) {
            out.append(chars[index])
            index += 1
        }
        return out
    }

    mutating func peek() -> Character? {
        skipSpaces()
        return index < chars.count ? chars[index] : nil
    }

    mutating func parse() throws(ModelError) -> [LabelRequirement] {
        var out: [LabelRequirement] = []
        if peek() == nil { return out }
        while true {
            out.append(try requirement())
            guard let next = peek() else { return out }
            guard next == "," else { throw error("expected ',' at position \(index + 1)") }
            index += 1
        }
    }

    private func validKey(_ key: String) throws(ModelError) {
        if let problem = LabelValidation.keyProblem(key) { throw error("invalid label key \"\(key)\": \(problem)") }
    }

    private func validValue(_ value: String) throws(ModelError) {
        if let problem = LabelValidation.valueProblem(value) { throw error("invalid label value \"\(value)\": \(problem)") }
    }

    mutating func requirement() throws(ModelError) -> LabelRequirement {
        if peek() == "!" {
            index += 1
            let key = identifier()
            try validKey(key)
            return LabelRequirement(key: key, operator: .doesNotExist)
        }
        let key = identifier()
        guard !key.isEmpty else { throw error("expected a label key at position \(index + 1)") }
        try validKey(key)
        guard let next = peek(), next != "," else { return LabelRequirement(key: key, operator: .exists) }
        switch next {
        case "=":
            index += 1
            if index < chars.count, chars[index] == "=" { index += 1 }
            let value = identifier()
            try validValue(value)
            return LabelRequirement(key: key, operator: .equals, values: [value])
        case "!":
            index += 1
            guard index < chars.count, chars[index] == "=" else { throw error("expected '=' after '!'") }
            index += 1
            let value = identifier()
            try validValue(value)
            return LabelRequirement(key: key, operator: .notEquals, values: [value])
        case ">", "<":
            index += 1
            let value = identifier()
            guard Int64(value) != nil else { throw error("'\(next)' needs an integer, found \"\(value)\"") }
            return LabelRequirement(key: key, operator: next == ">" ? .greaterThan : .lessThan, values: [value])
        default:
            let word = identifier()
            let op: LabelRequirement.Operator
            switch word {
            case "in": op = .in
            case "notin": op = .notIn
            default: throw error("unexpected \"\(word)\" after key \"\(key)\"; expected =, ==, !=, in or notin")
            }
            guard peek() == "(" else { throw error("expected '(' after \(word)") }
            index += 1
            var values: [String] = []
            while true {
                let value = identifier()
                try validValue(value)
                values.append(value)
                guard let c = peek() else { throw error("missing ')'") }
                index += 1
                if c == ")" { break }
                guard c == "," else { throw error("expected ',' or ')' in value list") }
            }
            return LabelRequirement(key: key, operator: op, values: values)
        }
    }
}
