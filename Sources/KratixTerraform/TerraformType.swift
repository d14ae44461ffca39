import KubeModel

/// A Terraform type constraint, decoded from a variable's `type` expression.
///
/// Upstream converts variables from the type's *text*; this structured form is what validates
/// type expressions (so a typo is a located error, as `terraform validate` would make it) and
/// what `--typed-objects` turns into full schemas.
public indirect enum TerraformType: Sendable, Equatable {
    case string, number, bool, any
    case list(TerraformType)
    case set(TerraformType)
    case map(TerraformType)
    case tuple([TerraformType])
    case object([TerraformObjectAttribute])

    /// Decodes a type expression; anything Terraform would reject is an error at its location.
    public static func decode(_ expression: HCLExpression, in file: HCLFile) throws(HCLError) -> TerraformType {
        try decode(expression, in: file, allowOptional: false).type
    }

    static func decode(
        _ expression: HCLExpression, in file: HCLFile, allowOptional: Bool
    ) throws(HCLError) -> (type: TerraformType, optional: Bool, defaultValue: JSONValue?) {
        let at = expression.range.start
        switch expression.kind {
        case .variable(let name):
            switch name {
            case "string": return (.string, false, nil)
            case "number": return (.number, false, nil)
            case "bool": return (.bool, false, nil)
            case "any": return (.any, false, nil)
            // Terraform 0.11 shorthands, still accepted: a bare collection keyword means "of any".
            case "list": return (.list(.any), false, nil)
            case "map": return (.map(.any), false, nil)
            case "set": return (.set(.any), false, nil)
            default:
                throw file.error("invalid type expression: unknown type keyword \"\(name)\"; expected string, number, bool, any, list(...), set(...), map(...), object({...}) or tuple([...])", at: at)
            }
        case .template:
            // The pre-0.12 quoted forms.
            switch expression.literalString {
            case "string": return (.string, false, nil)
            case "list": return (.list(.any), false, nil)
            case "map": return (.map(.any), false, nil)
            default: throw file.error("invalid type expression: a type is a keyword such as string, not a quoted string", at: at)
            }
        case .parenthesized(let inner):
            return try decode(inner, in: file, allowOptional: allowOptional)
        case .call(let name, let arguments, _):
            switch name {
            case "list", "set", "map":
                guard arguments.count == 1 else {
                    throw file.error("invalid type expression: \(name)(...) takes exactly one element type, found \(arguments.count)", at: at)
                }
                let element = try decode(arguments[0], in: file, allowOptional: false).type
                switch name {
                case "list": return (.list(element), false, nil)
                case "set": return (.set(element), false, nil)
                default: return (.map(element), false, nil)
                }
            case "tuple":
                guard arguments.count == 1, case .tuple(let elements) = arguments[0].kind else {
                    throw file.error("invalid type expression: tuple(...) takes one list of element types, like tuple([string, number])", at: at)
                }
                var types: [TerraformType] = []
                for element in elements { types.append(try decode(element, in: file, allowOptional: false).type) }
                return (.tuple(types), false, nil)
            case "object":
                guard arguments.count == 1, case .object(let items) = arguments[0].kind else {
                    throw file.error("invalid type expression: object(...) takes one object of attribute types, like object({ name = string })", at: at)
                }
                var attributes: [TerraformObjectAttribute] = []
                for item in items {
                    let key: String
                    if let name = item.key.identifier {
                        key = name
                    } else if let s = item.key.literalString {
                        key = s
                    } else {
                        throw file.error("invalid type expression: object attribute names must be names or quoted strings", at: item.key.range.start)
                    }
                    if attributes.contains(where: { $0.name == key }) {
                        throw file.error("invalid type expression: duplicate object attribute \"\(key)\"", at: item.key.range.start)
                    }
                    let decoded = try decode(item.value, in: file, allowOptional: true)
                    attributes.append(TerraformObjectAttribute(
                        name: key, type: decoded.type, optional: decoded.optional, defaultValue: decoded.defaultValue))
                }
                return (.object(attributes), false, nil)
            case "optional":
                guard allowOptional else {
                    throw file.error("invalid type expression: optional(...) is only allowed for an attribute of object({...})", at: at)
                }
                guard arguments.count == 1 || arguments.count == 2 else {
                    throw file.error("invalid type expression: optional(...) takes a type and an optional default, found \(arguments.count) arguments", at: at)
                }
                let type = try decode(arguments[0], in: file, allowOptional: false).type
                var defaultValue: JSONValue?
                if arguments.count == 2 {
                    do {
                        let value = try HCLEvaluator.evaluate(arguments[1])
                        defaultValue = value.isNull ? JSONValue?.none : value
                    } catch {
                        throw file.error("invalid type expression: the default of optional(...) must be a constant: \(error.message)", at: error.range.start)
                    }
                }
                return (type, true, defaultValue)
            default:
                throw file.error("invalid type expression: unknown type constructor \"\(name)\"", at: at)
            }
        default:
            throw file.error("invalid type expression: expected a type such as string or list(string), found \(file.text(of: expression.range))", at: at)
        }
    }

    /// The type's text in upstream's normalised form (keywords by name, constructor calls with
    /// normalised arguments, object and tuple literals verbatim); the spec's table matches on it.
    public static func upstreamText(of expression: HCLExpression, in file: HCLFile) -> String {
        switch expression.kind {
        case .variable(let name): return name
        case .call(let name, let arguments, _):
            return name + "(" + arguments.map { upstreamText(of: $0, in: file) }.joined(separator: ", ") + ")"
        default: return file.text(of: expression.range)
        }
    }
}

/// One attribute of an `object({...})` type.
public struct TerraformObjectAttribute: Sendable, Equatable {
    public var name: String
    public var type: TerraformType
    /// Declared with `optional(...)`: callers may leave it out.
    public var optional: Bool
    /// The second argument of `optional(type, default)`.
    public var defaultValue: JSONValue?

    public init(name: String, type: TerraformType, optional: Bool = false, defaultValue: JSONValue? = nil) {
        self.name = name
        self.type = type
        self.optional = optional
        self.defaultValue = defaultValue
    }
}
