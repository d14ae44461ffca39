import KubeClient
import Logging

/// What a reconcile knows besides its object: a logger already carrying the controller, the object
/// and a reconcile id (so every line of one pass can be found together), how often this key has
/// failed in a row, and the client and event recorder to act with.
public struct ReconcileContext: Sendable {
    public var controller: String
    public var key: ObjectKey
    public var reconcileID: String
    public var logger: Logger
    /// Consecutive failures of this key before this pass.
    public var retries: Int
    /// For writes, and for the few reads that must be fresh rather than cached.
    public var client: KubeClient?
    public var recorder: EventRecorder?

    public init(controller: String, key: ObjectKey, reconcileID: String, logger: Logger, retries: Int,
                client: KubeClient? = nil, recorder: EventRecorder? = nil) {
        self.controller = controller
        self.key = key
        self.reconcileID = reconcileID
        self.logger = logger
        self.retries = retries
        self.client = client
        self.recorder = recorder
    }
}
