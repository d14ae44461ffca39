/// Upstream's requeue constants (spec §0 and promises-and-workflows §1.5). Reconcilers return these
/// rather than backoff so retry cadence matches what operators of upstream Kratix expect.
public enum SchedulingTimings {
    /// After a conflict or a finalizer change: the object is about to change again anyway.
    public static let fastRequeue: Duration = .seconds(5)
    /// After a failed write or a store that is not ready yet.
    public static let defaultRequeue: Duration = .seconds(15)
    /// A resource Work waiting for a matching Destination.
    public static let slowRequeue: Duration = .seconds(60)
    /// How often a written WorkPlacement is rewritten to undo drift in its store
    /// (`stateStoreReconciliationInterval` in the `kratix` ConfigMap).
    public static let defaultStateStoreReconciliationInterval: Duration = .seconds(10 * 3600)
}
