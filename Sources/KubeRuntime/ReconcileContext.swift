import Logging

/// What a reconcile knows besides the key: a logger already carrying the controller, the object
/// and a reconcile id (so every line of one pass can be found together), and how often this key
/// has failed in a row.
public struct ReconcileContext: Sendable {
    public var controller: String
    public var key: ObjectKey
    public var reconcileID: String
    public var logger: Logger
    /// Consecutive failures of this key before this pass.
    public var retries: Int
}
