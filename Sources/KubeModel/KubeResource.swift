/// A Kubernetes kind with a Swift model, so clients and controllers can address it without a
/// discovery round trip and decode it without naming its group, version and plural each time.
public protocol KubeResource: Codable, Sendable {
    static var groupVersionKind: GroupVersionKind { get }
    static var groupVersionResource: GroupVersionResource { get }
    static var namespaced: Bool { get }
}

/// A typed object with standard metadata, for helpers that work on any kind (finalizers).
public protocol HasObjectMeta: Sendable {
    var metadata: ObjectMeta { get }
}
