/// The unprivileged host user and group ids confined containers run as: a range no account of the
/// machine uses (what `/etc/subuid` hands a rootless container engine), one id per pod.
///
/// Inside its user namespace a container is the user its security context asks for (root by
/// default), so scripts that expect root keep working; on the host it is this id, which owns
/// nothing but the pod's own files, so it can neither read the platform's data nor write outside
/// the pod's volumes.
public struct HostIDRange: Sendable, Equatable {
    public var first: UInt32
    public var count: UInt32

    /// Ids from one billion on: far above the accounts and the subordinate ranges
    /// (`/etc/subuid` starts at 100000) distributions hand out.
    public static let `default` = HostIDRange(first: 1_000_000_000, count: 65_536)

    public init(first: UInt32, count: UInt32) {
        self.first = first
        self.count = max(1, count)
    }

    /// The host id of the pod with this uid: the same for every container of the pod (so they share
    /// its volumes), and most likely different from other pods'.
    func hostID(forPod uid: String) -> UInt32 {
        // FNV-1a: stable across runs and processes, unlike `Hasher`.
        var hash: UInt32 = 2_166_136_261
        for byte in uid.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return first &+ hash % count
    }
}
