/// What went wrong while reading or decoding an object.
public enum ModelErrorReason: Sendable, Equatable {
    case yamlSyntax(line: Int, column: Int, problem: String)
    case jsonSyntax(line: Int, column: Int, problem: String)
    /// A field holds the wrong JSON type (`spec.workflows` as a string).
    case typeMismatch(field: String, expected: String, found: String)
    case missingField(field: String)
    /// The field is not part of a strictly decoded type (a Pipeline).
    case unknownField(field: String)
    case invalidValue(field: String, value: String, reason: String)
    /// The document's `apiVersion`/`kind` pair is not one this decoder knows.
    case unknownKind(apiVersion: String, kind: String)
}

/// An error that names everything a user needs to find the problem: the file, the document in a
/// multi-document stream, and the field.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: ModelErrorReason
    /// The file or other source the document came from, if known.
    public var source: String?
    /// Zero-based index of the document in its YAML stream, if known.
    public var documentIndex: Int?

    public init(_ reason: ModelErrorReason, source: String? = nil, documentIndex: Int? = nil) {
        self.reason = reason
        self.source = source
        self.documentIndex = documentIndex
    }

    /// The same error, placed in a file and document.
    public func located(source: String?, documentIndex: Int?) -> ModelError {
        var copy = self
        if copy.source == nil { copy.source = source }
        if copy.documentIndex == nil { copy.documentIndex = documentIndex }
        return copy
    }

    /// The field the error is about, when there is one.
    public var field: String? {
        switch reason {
        case .typeMismatch(let f, _, _), .missingField(let f), .unknownField(let f), .invalidValue(let f, _, _):
            return f
        case .unknownKind: return "kind"
        case .yamlSyntax, .jsonSyntax: return nil
        }
    }

    public var message: String {
        switch reason {
        case .yamlSyntax(let line, let column, let problem):
            return "invalid YAML at line \(line), column \(column): \(problem)"
        case .jsonSyntax(let line, let column, let problem):
            return "invalid JSON at line \(line), column \(column): \(problem)"
        case .typeMismatch(let field, let expected, let found):
            return "\(field): expected \(expected), found \(found)"
        case .missingField(let field):
            return "\(field): required field is missing"
        case .unknownField(let field):
            return "\(field): unknown field"
        case .invalidValue(let field, let value, let reason):
            return "\(field): invalid value \(value): \(reason)"
        case .unknownKind(let apiVersion, let kind):
            return "kind: unknown kind \"\(kind)\" for apiVersion \"\(apiVersion)\""
        }
    }

    public var description: String {
        var prefix = ""
        if let source { prefix += "\(source): " }
        if let documentIndex { prefix += "document \(documentIndex): " }
        return prefix + message
    }
}
