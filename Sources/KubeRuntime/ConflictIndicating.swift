import KubeClient

/// An error that may mean "the object changed under me" (HTTP 409 from optimistic concurrency).
/// Controllers meet it in normal operation whenever two writers race; a retry on fresh data
/// resolves it, so the controller logs it quietly instead of as a failed reconcile.
public protocol ConflictIndicating: Error {
    var isConflict: Bool { get }
}

extension ClientError: ConflictIndicating {
    public var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}
