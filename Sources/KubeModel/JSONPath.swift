import Foundation

/// The subset of Kubernetes JSONPath used by printer columns and `kubectl wait`:
/// `.a.b`, `['key']`, `[0]`, `[*]`, and filters `[?(@.type=="Ready")]` (with `==` / `!=`).
public struct JSONPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
        case wildcard
        case filter(path: [String], value: String, equal: Bool)
    }

    let steps: [Step]

    /// Parses a path such as `.status.conditions[?(@.type=="Ready")].message`; surrounding `{}` allowed.
    public init(_ text: String) throws(ModelError) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if s.hasPrefix("{") && s.hasSuffix("}") { s = s.dropFirst().dropLast() }
        if s.hasPrefix("$") { s = s.dropFirst() }
        var steps: [Step] = []
        func fail(_ reason: String) -> ModelError {
            ModelError(.invalidValue(field: "jsonPath", value: "\"\(text)\"", reason: reason))
        }
        while !s.isEmpty {
            if s.first == "." {
                s = s.dropFirst()
                var name = ""
                while let c = s.first, c != ".", c != "[" {
                    name.append(c)
                    s = s.dropFirst()
                }
                if !name.isEmpty { steps.append(name == "*" ? .wildcard : .field(name)) }
            } else if s.first == "[" {
                guard let close = Self.matchingBracket(s) else { throw fail("unclosed [") }
                let inner = s[s.index(after: s.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                s = s[s.index(after: close)...]
                if inner == "*" {
                    steps.append(.wildcard)
                } else if let i = Int(inner) {
                    steps.append(.index(i))
                } else if (inner.hasPrefix("'") && inner.hasSuffix("'")) || (inner.hasPrefix("\"") && inner.hasSuffix("\"")), inner.count >= 2 {
                    steps.append(.field(String(inner.dropFirst().dropLast())))
                } else if inner.hasPrefix("?(") && inner.hasSuffix(")") {
                    let expression = inner.dropFirst(2).dropLast().trimmingCharacters(in: .whitespaces)
                    let equal = !expression.contains("!=")
                    let parts = expression.components(separatedBy: equal ? "==" : "!=")
                    guard parts.count == 2 else { throw fail("unsupported filter \(expression)") }
                    let lhs = parts[0].trimmingCharacters(in: .whitespaces)
                    guard lhs.hasPrefix("@.") else { throw fail("filters must start with @.") }
                    var rhs = parts[1].trimmingCharacters(in: .whitespaces)
                    if (rhs.hasPrefix("\"") && rhs.hasSuffix("\"")) || (rhs.hasPrefix("'") && rhs.hasSuffix("'")), rhs.count >= 2 {
                        rhs = String(rhs.dropFirst().dropLast())
                    }
                    steps.append(.filter(path: lhs.dropFirst(2).split(separator: ".").map(String.init), value: rhs, equal: equal))
                } else {
                    throw fail("unsupported subscript [\(inner)]")
                }
            } else {
                // A leading bare name, as in `status.phase`.
                var name = ""
                while let c = s.first, c != ".", c != "[" {
                    name.append(c)
                    s = s.dropFirst()
                }
                steps.append(.field(name))
            }
        }
        self.steps = steps
    }

    private static func matchingBracket(_ s: Substring) -> Substring.Index? {
        var depth = 0
        var quote: Character?
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "[" {
                depth += 1
            } else if c == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// Every value the path selects.
    public func evaluate(_ root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch step {
                case .field(let name):
                    if let v = value[name] { next.append(v) }
                case .index(let i):
                    if case .array(let a) = value {
                        let index = i < 0 ? a.count + i : i
                        if a.indices.contains(index) { next.append(a[index]) }
                    }
                case .wildcard:
                    if case .array(let a) = value { next.append(contentsOf: a) }
                    if case .object(let o) = value { next.append(contentsOf: o.values) }
                case .filter(let path, let expected, let equal):
                    guard case .array(let a) = value else { continue }
                    for element in a {
                        let actual = element[path: path].map(Self.text) ?? ""
                        if (actual == expected) == equal { next.append(element) }
                    }
                }
            }
            current = next
        }
        return current
    }

    /// A value as `kubectl` prints it: strings bare, everything else as JSON.
    public static func text(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return value.serialized()
    }
}
