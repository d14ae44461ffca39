import Foundation
import KubeModel

/// The leader-election fields of a `coordination.k8s.io/v1` Lease.
public struct LeaseRecord: Sendable, Equatable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int

    public init(holderIdentity: String?, leaseDurationSeconds: Int, acquireTime: String?, renewTime: String?, leaseTransitions: Int) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    public init(lease: KubeObject) {
        let spec = lease.json["spec"]
        holderIdentity = spec?["holderIdentity"]?.stringValue
        leaseDurationSeconds = Int(spec?["leaseDurationSeconds"]?.intValue ?? 0)
        acquireTime = spec?["acquireTime"]?.stringValue
        renewTime = spec?["renewTime"]?.stringValue
        leaseTransitions = Int(spec?["leaseTransitions"]?.intValue ?? 0)
    }

    /// Writes the record into a Lease's spec.
    public func apply(to lease: inout KubeObject) {
        var spec: JSONObject = lease.json["spec"]?.objectValue ?? [:]
        spec["holderIdentity"] = holderIdentity.map(JSONValue.string) ?? nil
        spec["leaseDurationSeconds"] = .int(Int64(leaseDurationSeconds))
        spec["acquireTime"] = acquireTime.map(JSONValue.string) ?? nil
        spec["renewTime"] = renewTime.map(JSONValue.string) ?? nil
        spec["leaseTransitions"] = .int(Int64(leaseTransitions))
        lease.json["spec"] = .object(spec)
    }

    /// A Lease `MicroTime`: RFC 3339 with microseconds, as client-go writes it.
    public static func microTime(_ date: Date) -> String {
        let whole = Timestamp.format(date)
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        let fraction = String(micros)
        return whole.dropLast() + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }
}
