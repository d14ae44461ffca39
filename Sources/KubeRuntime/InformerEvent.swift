import KubeModel

/// A change an informer delivers to its subscribers, after its cache holds it.
public enum InformerEvent: Sendable {
    case added(KubeObject)
    case updated(old: KubeObject, new: KubeObject)
    case deleted(KubeObject)

    /// The object as it is now (the last known state for a deletion).
    public var object: KubeObject {
        switch self {
        case .added(let o), .deleted(let o): o
        case .updated(_, let new): new
        }
    }
}
