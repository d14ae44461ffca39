/// How deleting an owner treats the objects whose ownerReferences name it.
public enum PropagationPolicy: String, Sendable, Hashable {
    /// The owner goes now; the garbage collector deletes its dependents after.
    case background = "Background"
    /// The owner stays (with a `foregroundDeletion` finalizer) until its dependents are gone.
    case foreground = "Foreground"
    /// The owner goes; its dependents stay, without the reference.
    case orphan = "Orphan"
}
