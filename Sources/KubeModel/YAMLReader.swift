internal import Yams

/// Reads YAML streams into ``JSONValue``s with kubectl's semantics.
///
/// Multi-document streams are split on `---`; empty and `null` documents are skipped (as
/// `kubectl apply -f` does); anchors, aliases and `<<` merge keys are resolved; scalars follow the
/// YAML 1.1 rules of ``YAMLScalarResolver``. Errors carry the source name, document index, line and column.
public enum YAMLReader {
    /// Every non-empty document in `text`.
    public static func documents(in text: String, source: String? = nil) throws(ModelError) -> [YAMLDocument] {
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        } catch {
            throw convert(error, source: source, documentIndex: 0)
        }
        var documents: [YAMLDocument] = []
        var index = 0
        while true {
            let node: Node?
            do {
                node = try parser.nextRoot()
            } catch {
                throw convert(error, source: source, documentIndex: index)
            }
            guard let node else { break }
            defer { index += 1 }
            let value: JSONValue
            var budget = ExpansionBudget(sourceBytes: text.utf8.count)
            do {
                value = try convert(node, &budget)
            } catch {
                throw error.located(source: source, documentIndex: index)
            }
            if value.isNull { continue }
            documents.append(YAMLDocument(source: source, index: index, line: node.mark?.line ?? 1, value: value))
        }
        return documents
    }

    /// Every document in `bytes`; UTF-8 (with or without BOM). JSON is YAML, so JSON files work too.
    public static func documents(in bytes: [UInt8], source: String? = nil) throws(ModelError) -> [YAMLDocument] {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        return try documents(in: String(decoding: slice, as: UTF8.self), source: source)
    }

    /// Exactly one document; an empty stream or a second document is an error.
    public static func singleDocument(in text: String, source: String? = nil) throws(ModelError) -> JSONValue {
        let docs = try documents(in: text, source: source)
        guard docs.count == 1 else {
            throw ModelError(
                .invalidValue(field: "<root>", value: "\(docs.count) documents", reason: "expected exactly one document"),
                source: source)
        }
        return docs[0].value
    }

    private static func convert(_ error: any Error, source: String?, documentIndex: Int) -> ModelError {
        guard let yamlError = error as? YamlError else {
            return ModelError(.yamlSyntax(line: 0, column: 0, problem: "\(error)"), source: source, documentIndex: documentIndex)
        }
        func describe(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        let reason: ModelErrorReason
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            reason = .yamlSyntax(line: mark.line, column: mark.column, problem: describe(context, problem))
        case .duplicatedKeysInMapping(let duplicates, let context):
            reason = .yamlSyntax(
                line: context.mark.line, column: context.mark.column,
                problem: "mapping key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) already defined")
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = position(ofCharacterOffset: offset ?? 0, in: yaml)
            reason = .yamlSyntax(line: line, column: column, problem: problem)
        default:
            reason = .yamlSyntax(line: 0, column: 0, problem: yamlError.description)
        }
        return ModelError(reason, source: source, documentIndex: documentIndex)
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (i, c) in text.enumerated() {
            if i >= offset { break }
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    static func syntax(_ node: Node, _ problem: String) -> ModelError {
        let mark = node.mark
        return ModelError(.yamlSyntax(line: mark?.line ?? 0, column: mark?.column ?? 0, problem: problem))
    }

    /// What converting a document may produce. Aliases make the parsed tree a graph whose every
    /// path is expanded here, so a few hundred bytes of nested aliases ("billion laughs") would
    /// become gigabytes. Like go-yaml (which kubectl and the API server use), expansion far beyond
    /// the source is refused: at most max(400,000, 10 × source bytes) nodes and max(1 MiB,
    /// 10 × source bytes) bytes of scalars.
    struct ExpansionBudget {
        var nodes: Int
        var bytes: Int

        init(sourceBytes: Int) {
            nodes = max(400_000, 10 * sourceBytes)
            bytes = max(1 << 20, 10 * sourceBytes)
        }

        mutating func spend(_ node: Node, bytes count: Int) throws(ModelError) {
            nodes -= 1
            bytes -= count
            if nodes < 0 || bytes < 0 {
                throw YAMLReader.syntax(node, "document contains excessive aliasing (it expands to far more than its own size)")
            }
        }
    }

    static func convert(_ node: Node, _ budget: inout ExpansionBudget) throws(ModelError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            try budget.spend(node, bytes: scalar.string.utf8.count + 1)
            return try convert(scalar: scalar, node: node)
        case .sequence(let sequence):
            try budget.spend(node, bytes: 1)
            var array: [JSONValue] = []
            array.reserveCapacity(sequence.count)
            for element in sequence {
                array.append(try convert(element, &budget))
            }
            return .array(array)
        case .mapping(let mapping):
            try budget.spend(node, bytes: 1)
            var object = JSONObject()
            var merged: [JSONObject] = []
            for (keyNode, valueNode) in mapping {
                if case .scalar(let keyScalar) = keyNode, isImplicitPlainKey(keyScalar), keyScalar.string == "<<" {
                    merged.append(contentsOf: try mergeSources(valueNode, &budget))
                    continue
                }
                let key = try keyString(keyNode)
                if object[key] != nil {
                    throw syntax(keyNode, "mapping key \"\(key)\" already defined")
                }
                try budget.spend(keyNode, bytes: key.utf8.count)
                object[key] = try convert(valueNode, &budget)
            }
            // Explicit keys win over merged ones; earlier merge sources win over later ones.
            for source in merged {
                for (key, value) in source where object[key] == nil {
                    object[key] = value
                }
            }
            return .object(object)
        case .alias:
            // The parser resolves aliases to the anchored node; an unresolved alias is malformed input.
            throw syntax(node, "unresolved alias")
        }
    }

    private static func mergeSources(_ node: Node, _ budget: inout ExpansionBudget) throws(ModelError) -> [JSONObject] {
        switch node {
        case .mapping:
            guard case .object(let o) = try convert(node, &budget) else { return [] }
            return [o]
        case .sequence(let sequence):
            var out: [JSONObject] = []
            for element in sequence {
                guard case .mapping = element, case .object(let o) = try convert(element, &budget) else {
                    throw syntax(element, "merge key `<<` needs a mapping or a sequence of mappings")
                }
                out.append(o)
            }
            return out
        default:
            throw syntax(node, "merge key `<<` needs a mapping or a sequence of mappings")
        }
    }

    /// Yams resolves the tags of mapping keys while checking for duplicates (with our `.basic`
    /// resolver that makes every plain key `!!str`), so a plain key with a `str` tag is treated as untagged.
    private static func isImplicitPlainKey(_ scalar: Node.Scalar) -> Bool {
        guard scalar.style == .plain || scalar.style == .any else { return false }
        let tag = scalar.tag.rawValue
        return tag.isEmpty || tag == coreTagPrefix + "str"
    }

    private static func keyString(_ node: Node) throws(ModelError) -> String {
        guard case .scalar(var scalar) = node else {
            throw syntax(node, "mapping keys must be scalars")
        }
        if isImplicitPlainKey(scalar) {
            scalar = Node.Scalar(scalar.string, Tag(.implicit), .plain, scalar.mark)
        }
        let value = try convert(scalar: scalar, node: node)
        switch value {
        case .string(let s): return s
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.formatDouble(d)
        case .number(let n): return n
        case .array, .object: return scalar.string
        }
    }

    private static let coreTagPrefix = "tag:yaml.org,2002:"

    private static func convert(scalar: Node.Scalar, node: Node) throws(ModelError) -> JSONValue {
        let tag = scalar.tag.rawValue
        if tag.isEmpty {
            switch scalar.style {
            case .plain, .any:
                switch YAMLScalarResolver.resolvePlain(scalar.string) {
                case .value(let v): return v
                case .merge: return .string("<<")
                case .notRepresentable:
                    throw syntax(node, "\(scalar.string) cannot be represented in JSON")
                }
            default:
                return .string(scalar.string)
            }
        }
        guard tag.hasPrefix(coreTagPrefix) else {
            // Non-specific ("!") and application tags: the value keeps its literal form.
            return .string(scalar.string)
        }
        switch String(tag.dropFirst(coreTagPrefix.count)) {
        case "str", "binary": return .string(scalar.string)
        case "null": return .null
        case "bool":
            switch YAMLScalarResolver.resolvePlain(scalar.string) {
            case .value(.bool(let b)): return .bool(b)
            default: throw syntax(node, "invalid !!bool value \"\(scalar.string)\"")
            }
        case "int":
            switch YAMLScalarResolver.resolvePlain(scalar.string) {
            case .value(let v) where v.typeName == "integer": return v
            default: throw syntax(node, "invalid !!int value \"\(scalar.string)\"")
            }
        case "float":
            switch YAMLScalarResolver.resolvePlain(scalar.string) {
            case .value(.int(let i)): return .double(Double(i))
            case .value(.double(let d)): return .double(d)
            case .notRepresentable: throw syntax(node, "\(scalar.string) cannot be represented in JSON")
            default: throw syntax(node, "invalid !!float value \"\(scalar.string)\"")
            }
        case "timestamp":
            if let t = YAMLTimestamp.normalize(scalar.string) { return .string(t) }
            throw syntax(node, "invalid !!timestamp value \"\(scalar.string)\"")
        default:
            return .string(scalar.string)
        }
    }
}
