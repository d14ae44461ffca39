/// What a reconcile asks of its controller once it returns, as controller-runtime's `Result`:
/// nothing more (until an event), run again soon (with backoff), or run again after a delay.
public enum ReconcileAction: Sendable, Equatable {
    case done
    case requeue
    case requeueAfter(Duration)
}
