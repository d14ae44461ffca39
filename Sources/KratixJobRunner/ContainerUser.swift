/// Who a container's process is: inside its user namespace (the security context's `runAsUser`
/// and `runAsGroup`, the container's over the pod's, root by default as in an image without a
/// `USER`) and on the host (the pod's unprivileged id from ``HostIDRange``).
struct ContainerUser: Sendable, Equatable {
    var insideUID: Int64
    var insideGID: Int64
    var hostUID: UInt32
    var hostGID: UInt32

    init(insideUID: Int64, insideGID: Int64, hostUID: UInt32, hostGID: UInt32) {
        self.insideUID = insideUID
        self.insideGID = insideGID
        self.hostUID = hostUID
        self.hostGID = hostGID
    }

    init(pod: SecurityContext?, container: SecurityContext?, hostID: UInt32) {
        insideUID = container?.runAsUser ?? pod?.runAsUser ?? 0
        insideGID = container?.runAsGroup ?? pod?.runAsGroup ?? 0
        hostUID = hostID
        hostGID = hostID
    }
}

/// The part of a pod's or container's `securityContext` the runner honours.
struct SecurityContext: Decodable, Sendable {
    var runAsUser: Int64?
    var runAsGroup: Int64?
}
