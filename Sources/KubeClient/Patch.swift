import KubeModel

/// A change to an object, in one of the four patch formats the API server accepts.
public enum Patch: Sendable, Equatable {
    /// RFC 7386: objects merge, `null` deletes, lists are replaced whole.
    case merge(JSONValue)
    /// RFC 6902: a list of operations (`add`, `remove`, `replace`, `test`, …).
    case json(JSONValue)
    /// Kubernetes' strategic merge: lists merge by key for built-in kinds (not custom resources).
    case strategicMerge(JSONValue)
    /// Server-side apply: the fields the caller owns; needs `PatchOptions.fieldManager`.
    case apply(JSONValue)

    public var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        // JSON is valid YAML, so the body is sent as JSON under the apply content type.
        case .apply: return "application/apply-patch+yaml"
        }
    }

    public var body: JSONValue {
        switch self {
        case .merge(let v), .json(let v), .strategicMerge(let v), .apply(let v): return v
        }
    }

    var isApply: Bool {
        if case .apply = self { return true }
        return false
    }
}
