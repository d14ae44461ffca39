/// An HCL native-syntax expression as written, with the span it came from.
///
/// The tree keeps everything variables.tf and outputs.tf can contain, even what we never evaluate
/// (traversals, function calls, for expressions), so that reading a valid file never fails and
/// upstream's "raw source text" fallbacks have a span to cut from.
public struct HCLExpression: Sendable, Equatable {
    public var kind: Kind
    public var range: HCLSourceRange

    public init(_ kind: Kind, range: HCLSourceRange) {
        self.kind = kind
        self.range = range
    }

    public indirect enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        /// A number literal, kept as written so integers stay exact.
        case number(String)
        /// A quoted string or heredoc; a single literal part means a plain string.
        case template([HCLTemplatePart])
        case tuple([HCLExpression])
        case object([HCLObjectItem])
        /// A bare name: a variable reference, or a type keyword inside `type = ...`.
        case variable(String)
        case getAttribute(HCLExpression, String)
        case index(HCLExpression, HCLExpression)
        /// `x.*` or `x[*]`, with the traversal applied to each element.
        case splat(HCLExpression)
        case call(name: String, arguments: [HCLExpression], expandFinal: Bool)
        case unary(HCLOperator, HCLExpression)
        case binary(HCLOperator, HCLExpression, HCLExpression)
        case conditional(HCLExpression, HCLExpression, HCLExpression)
        case forExpression(HCLForExpression)
        case parenthesized(HCLExpression)
    }

    /// The name of a bare identifier expression, which object keys and type keywords are.
    public var identifier: String? {
        if case .variable(let name) = kind { return name }
        return nil
    }

    /// The text of a string without interpolations or directives.
    public var literalString: String? {
        guard case .template(let parts) = kind else { return nil }
        var out = ""
        for part in parts {
            guard case .literal(let s) = part else { return nil }
            out += s
        }
        return out
    }
}

public enum HCLTemplatePart: Sendable, Equatable {
    case literal(String)
    case interpolation(HCLExpression)
    /// A `%{ ... }` directive, kept as its source text: defaults with directives are not constant.
    case directive(String)
}

public struct HCLObjectItem: Sendable, Equatable {
    public var key: HCLExpression
    public var value: HCLExpression

    public init(key: HCLExpression, value: HCLExpression) {
        self.key = key
        self.value = value
    }
}

public struct HCLForExpression: Sendable, Equatable {
    public var keyVariable: String?
    public var valueVariable: String
    public var collection: HCLExpression
    /// Present for `{for ...}`: the key expression before `=>`.
    public var keyExpression: HCLExpression?
    public var valueExpression: HCLExpression
    public var grouping: Bool
    public var condition: HCLExpression?
}

public enum HCLOperator: String, Sendable, Equatable {
    case negate = "-", not = "!"
    case add = "+", subtract = "-b", multiply = "*", divide = "/", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "&&", or = "||"
}
