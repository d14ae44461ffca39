import KratixAPI
import KratixStateStore

/// Why scheduling, writing or cleaning up a Kratix object failed, with the object and field a user
/// needs to fix it. Messages never carry Secret values.
public struct SchedulingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A resolved destination selector has a key or value Kubernetes would not accept as a label.
        case invalidSelector(groupID: String, detail: String)
        /// A workload's `content` is not Base64+gzip.
        case workloadContent(placement: String, filepath: String, WorkloadContentError)
        /// A `.kratix` state file that cannot be read as `files: [...]`.
        case stateFile(path: String, detail: String)
        /// The object is already controlled by a different owner, so it cannot be claimed.
        case alreadyOwned(object: String, owner: String)
        /// A required field is missing or empty.
        case missingField(object: String, field: String)
        /// More objects matched than the design allows (e.g. two Promises for one release).
        case ambiguous(String)
        /// The state store refused a write or read.
        case stateStore(StateStoreError)
        /// Fetching a remote document failed.
        case fetch(url: String, detail: String)
        /// A fetched or stored document is not what it should be.
        case invalidDocument(source: String, detail: String)
        /// A Kubernetes API call failed.
        case api(operation: String, object: String, detail: String)
        /// Some deletions failed; the rest were issued.
        case deletionFailed(object: String, detail: String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .invalidSelector(let id, let detail):
            return "invalid destination selector for workloadGroup \(id): \(detail)"
        case .workloadContent(let placement, let filepath, let error):
            return "WorkPlacement \(placement), workload \"\(filepath)\": \(error)"
        case .stateFile(let path, let detail):
            return "failed to unmarshal .kratix state file \(path): \(detail)"
        case .alreadyOwned(let object, let owner):
            return "\(object) is already owned by another controller \(owner)"
        case .missingField(let object, let field):
            return "\(object): \(field) must be set"
        case .ambiguous(let message):
            return message
        case .stateStore(let error):
            return error.description
        case .fetch(let url, let detail):
            return "failed to fetch \(url): \(detail)"
        case .invalidDocument(let source, let detail):
            return "\(source): \(detail)"
        case .api(let operation, let object, let detail):
            return "\(operation) \(object) failed: \(detail)"
        case .deletionFailed(let object, let detail):
            return "deleting \(object) failed: \(detail)"
        }
    }
}
