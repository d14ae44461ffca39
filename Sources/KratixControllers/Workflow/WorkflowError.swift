import KubeModel
import KubeRuntime

/// What stops a workflow from being built or driven, naming the object and what is wrong with it.
public struct WorkflowError: Error, Sendable, Equatable, CustomStringConvertible, ConflictIndicating {
    public enum Kind: Sendable, Equatable {
        /// The Promise cannot produce pipelines (no API for a resource workflow, a bad pipeline).
        case invalidPromise
        /// The object the workflow runs for lacks something the workflow needs (a name, a uid).
        case invalidObject
        /// The delete pipeline's Job failed; no new one is created until the object changes or is
        /// manually reconciled (§5.8).
        case deletePipelineFailed
        /// A request to the API server failed.
        case request
    }

    public var kind: Kind
    /// The object, as `Kind namespace/name` or `Kind name`.
    public var object: String
    /// The field at fault, when there is one (`spec.workflows.resource.configure[1].metadata.name`).
    public var field: String?
    public var message: String
    /// The request failed because the object changed meanwhile (409): a retry resolves it.
    public var isConflict: Bool

    public init(_ kind: Kind, object: String, field: String? = nil, message: String, isConflict: Bool = false) {
        self.kind = kind
        self.object = object
        self.field = field
        self.message = message
        self.isConflict = isConflict
    }

    public var description: String {
        var text = object
        if let field { text += ": \(field)" }
        return text + ": " + message
    }

    /// `Kind namespace/name` (or `Kind name`) of an object, for messages.
    static func describe(_ object: KubeObject) -> String {
        "\(object.kind ?? "object") \(object.key)"
    }
}
