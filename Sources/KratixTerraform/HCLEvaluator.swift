import KubeModel

/// Why an expression has no constant value: it names a variable, calls a function, or is ill-typed.
public struct HCLEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var range: HCLSourceRange

    public var description: String { "line \(range.start.line), column \(range.start.column): \(message)" }
}

/// Evaluates expressions with nothing in scope, the way Terraform evaluates `default`,
/// `description` and `optional(type, default)`: literals, collections, operators and templates
/// over constants; any variable or function call makes the expression non-constant.
public enum HCLEvaluator {
    public static func evaluate(_ expression: HCLExpression) throws(HCLEvaluationError) -> JSONValue {
        func fail(_ message: String, _ at: HCLExpression = expression) -> HCLEvaluationError {
            HCLEvaluationError(message: message, range: at.range)
        }
        switch expression.kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text):
            guard let value = number(text) else { throw fail("invalid number \(text)") }
            return value
        case .template(let parts):
            var out = ""
            for part in parts {
                switch part {
                case .literal(let s): out += s
                case .directive: throw fail("template directives are not allowed in a constant")
                case .interpolation(let inner):
                    let value = try evaluate(inner)
                    switch value {
                    case .string(let s): out += s
                    case .bool(let b): out += b ? "true" : "false"
                    case .int, .double, .number: out += numberText(value)
                    case .null: throw fail("cannot include a null value in a string template", inner)
                    case .array, .object: throw fail("cannot include a \(value.typeName) in a string template", inner)
                    }
                }
            }
            return .string(out)
        case .tuple(let elements):
            var out: [JSONValue] = []
            for element in elements { out.append(try evaluate(element)) }
            return .array(out)
        case .object(let items):
            var out = JSONObject()
            for item in items {
                let key: String
                if let name = item.key.identifier {
                    key = name
                } else {
                    switch try evaluate(item.key) {
                    case .string(let s): key = s
                    case .bool(let b): key = b ? "true" : "false"
                    case let n where n.doubleValue != nil: key = numberText(n)
                    default: throw fail("object keys must be strings", item.key)
                    }
                }
                out[key] = try evaluate(item.value)
            }
            return .object(out)
        case .variable(let name):
            throw fail("variables are not allowed here (found \"\(name)\")")
        case .getAttribute, .splat:
            throw fail("references are not allowed here")
        case .call(let name, _, _):
            throw fail("function calls are not allowed here (found \"\(name)\")")
        case .forExpression:
            throw fail("for expressions are not allowed here")
        case .parenthesized(let inner):
            return try evaluate(inner)
        case .index(let collection, let key):
            let base = try evaluate(collection)
            let k = try evaluate(key)
            if case .array(let a) = base, let i = k.intValue ?? k.stringValue.flatMap({ Int64($0) }) {
                guard i >= 0, i < a.count else { throw fail("index \(i) is out of range") }
                return a[Int(i)]
            }
            if case .object(let o) = base, let s = k.stringValue {
                guard let v = o[s] else { throw fail("object has no key \"\(s)\"") }
                return v
            }
            throw fail("cannot index a \(base.typeName)")
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            switch op {
            case .not:
                guard case .bool(let b) = value else { throw fail("'!' needs a bool", operand) }
                return .bool(!b)
            default:
                switch value {
                case .int(let i) where i != .min: return .int(-i)
                case let v where v.doubleValue != nil: return normalised(-(v.doubleValue ?? 0))
                default: throw fail("'-' needs a number", operand)
                }
            }
        case .binary(let op, let lhsExpression, let rhsExpression):
            let lhs = try evaluate(lhsExpression)
            let rhs = try evaluate(rhsExpression)
            switch op {
            case .and, .or:
                guard case .bool(let a) = lhs, case .bool(let b) = rhs else { throw fail("'\(op.rawValue)' needs bools") }
                return .bool(op == .and ? (a && b) : (a || b))
            case .equal: return .bool(lhs == rhs)
            case .notEqual: return .bool(lhs != rhs)
            default:
                guard let a = lhs.doubleValue, let b = rhs.doubleValue else {
                    throw fail("arithmetic and comparison need numbers")
                }
                switch op {
                case .less: return .bool(a < b)
                case .lessOrEqual: return .bool(a <= b)
                case .greater: return .bool(a > b)
                case .greaterOrEqual: return .bool(a >= b)
                case .add:
                    if case .int(let x) = lhs, case .int(let y) = rhs, case (let r, false) = x.addingReportingOverflow(y) { return .int(r) }
                    return normalised(a + b)
                case .subtract:
                    if case .int(let x) = lhs, case .int(let y) = rhs, case (let r, false) = x.subtractingReportingOverflow(y) { return .int(r) }
                    return normalised(a - b)
                case .multiply:
                    if case .int(let x) = lhs, case .int(let y) = rhs, case (let r, false) = x.multipliedReportingOverflow(by: y) { return .int(r) }
                    return normalised(a * b)
                case .divide:
                    guard b != 0 else { throw fail("division by zero") }
                    return normalised(a / b)
                case .modulo:
                    guard b != 0 else { throw fail("modulo by zero") }
                    return normalised(a.truncatingRemainder(dividingBy: b))
                default: throw fail("unsupported operator")
                }
            }
        case .conditional(let condition, let whenTrue, let whenFalse):
            guard case .bool(let b) = try evaluate(condition) else { throw fail("the condition must be a bool", condition) }
            return try evaluate(b ? whenTrue : whenFalse)
        }
    }

    /// Integers stay exact; everything else is a double (Terraform numbers are arbitrary precision,
    /// upstream converts them to float64).
    static func number(_ text: String) -> JSONValue? {
        if let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { return nil }
        return normalised(d)
    }

    static func normalised(_ d: Double) -> JSONValue {
        if d == d.rounded(), abs(d) < 9.007_199_254_740_992e15, let i = Int64(exactly: d) { return .int(i) }
        return .double(d)
    }

    /// How Terraform prints a number inside a string template.
    static func numberText(_ value: JSONValue) -> String {
        switch value {
        case .int(let i): return String(i)
        case .number(let s): return s
        default: return value.serialized()
        }
    }
}
