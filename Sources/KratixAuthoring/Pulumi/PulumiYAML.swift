import KubeModel

/// The YAML of upstream's pulumi generator files (rules R2/R3): keys sorted, quotes only where
/// needed, `{}`/`[]` for empty collections, a README as a literal block.
///
/// Private to the pulumi generator on purpose: the shared `GoYAML` marshalling lands separately and
/// replaces this at merge. Two things differ from plain sigs.k8s.io/yaml because the reference
/// output (`test/assets/pulumi/expected-output*`) has them: sequences can be indented under their
/// key, and the items of a `containers` list keep the order they were built in (`env`, `command`,
/// `image`, `name`).
struct PulumiYAML: Sendable {
    /// Indent a sequence two spaces under its mapping key (the golden `promise.yaml` and
    /// `workflow.yaml`), or keep it at the key's indentation (go-yaml v2, the golden `api.yaml`).
    var indentSequences: Bool

    func marshal(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let o) where !o.isEmpty: writeMapping(o, indent: 0, into: &out)
        case .array(let a) where !a.isEmpty: writeSequence(a, indent: 0, into: &out)
        case .string(let s) where s.contains("\n"): out = YAMLWriter.literalBlock(s, indent: 2)
        default: out = scalar(value) + "\n"
        }
        return out
    }

    private func writeMapping(_ object: JSONObject, indent: Int, keepOrder: Bool = false, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        let keys = keepOrder ? Array(object.keys) : object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for key in keys {
            out += pad + Self.quote(key) + ":"
            writeValue(object[key]!, key: key, indent: indent, into: &out)
        }
    }

    /// `key` is the mapping key the sequence is the value of, if any.
    private func writeSequence(_ array: [JSONValue], key: String? = nil, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for element in array {
            out += pad + "-"
            switch element {
            case .object(let o) where !o.isEmpty:
                var nested = ""
                writeMapping(o, indent: indent + 2, keepOrder: key == "containers", into: &nested)
                out += " " + nested.dropFirst(indent + 2)
            case .array(let a) where !a.isEmpty:
                var nested = ""
                writeSequence(a, indent: indent + 2, into: &nested)
                out += " " + nested.dropFirst(indent + 2)
            case .string(let s) where s.contains("\n"):
                out += " " + YAMLWriter.literalBlock(s, indent: indent + 2)
            default:
                out += " " + scalar(element) + "\n"
            }
        }
    }

    private func writeValue(_ value: JSONValue, key: String, indent: Int, into out: inout String) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out += "\n"
            writeMapping(o, indent: indent + 2, into: &out)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            writeSequence(a, key: key, indent: indentSequences ? indent + 2 : indent, into: &out)
        case .string(let s) where s.contains("\n"):
            out += " " + YAMLWriter.literalBlock(s, indent: indent + 2)
        case .string(let s) where s.contains(" ") && Self.quote(s) == s:
            let lineStart = out.lastIndex(of: "\n").map { out.index(after: $0) } ?? out.startIndex
            out += " "
            out += Self.folded(s, column: out.unicodeScalars[lineStart...].count, indent: indent + 2) + "\n"
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    private func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return Self.quote(s)
        case .array: return "[]"
        case .object: return "{}"
        default:
            // Numbers, booleans and null as the shared writer spells them.
            return String(YAMLWriter().write(value).dropLast())
        }
    }

    /// go-yaml's plain-scalar folding: a single space becomes a line break (to `indent`) once the
    /// line passes column 80 and the next character is not a space.
    static func folded(_ s: String, column start: Int, indent: Int) -> String {
        let chars = Array(s.unicodeScalars)
        var out = ""
        var column = start
        var afterSpace = false
        for (i, c) in chars.enumerated() {
            if c == " ", !afterSpace, column > 80, i + 1 < chars.count, chars[i + 1] != " " {
                out += "\n" + String(repeating: " ", count: indent)
                column = indent
            } else {
                out.unicodeScalars.append(c)
                column += 1
            }
            afterSpace = c == " "
        }
        return out
    }

    /// A one-line string as go-yaml v2 writes it (plain, single- or double-quoted).
    static func quote(_ s: String) -> String {
        String(YAMLWriter(plainFlowIndicators: true).write(.string(s)).dropLast())
    }

}
