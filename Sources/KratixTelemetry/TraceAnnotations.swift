/// The annotations that carry a trace from object to object (upstream's names): a reconciled
/// object keeps the W3C trace context of the trace its reconciles join, and Jobs, Pods, Works and
/// WorkPlacements made for it carry the same, so a request's reconcile, its pipeline pod and its
/// placement writes are one trace.
public enum TraceAnnotations {
    public static let parent = "kratix.io/trace-parent"
    public static let state = "kratix.io/trace-state"
    public static let timestamp = "kratix.io/trace-timestamp"
    public static let generation = "kratix.io/trace-generation"

    /// A trace older than this starts afresh, as upstream's `traceMaxAge`.
    public static let maximumAge: Double = 24 * 3600
}
