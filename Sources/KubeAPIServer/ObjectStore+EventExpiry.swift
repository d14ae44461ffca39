import DequeModule
import Foundation
import KubeModel

/// Events expire as kube-apiserver expires them (`--event-ttl`, an hour: etcd leases there), and,
/// as this server is its own etcd and keeps everything in memory, at most `maximumEvents` are
/// kept: when a new one would go past it, the oldest goes. Expiry is a deletion like any other
/// (journal record, watch `DELETED`).
extension ObjectStore {
    /// kube-apiserver's default `--event-ttl`.
    static let eventTTL: TimeInterval = 3600
    /// Events kept by default at most (the newest); see docs/ARCHITECTURE.md.
    static let defaultMaximumEvents = 10_000

    /// Changes how many Events are kept (tests).
    public func keepAtMost(events count: Int) {
        maximumEvents = max(1, count)
    }

    /// When an Event was created, for expiry in order.
    struct ExpiringEvent: Sendable {
        var key: String
        var created: Date
    }

    /// The stored Events, oldest first (after a restart, by creation time).
    static func eventExpiryOrder(_ objects: [String: [String: JSONObject]]) -> Deque<ExpiringEvent> {
        let all = (objects["events"] ?? [:]).map { key, event in
            ExpiringEvent(key: key, created: event["metadata"]?["creationTimestamp"]?.stringValue.flatMap(Timestamp.parse) ?? .distantPast)
        }
        return Deque(all.sorted { $0.created < $1.created })
    }

    /// After a commit: a new Event joins the order; Events past the TTL or the count go.
    func expireEvents(afterCommitting groupResource: String, key: String, type: WatchEvent.EventType) {
        guard groupResource == "events", type == .added else { return }
        eventExpiry.append(ExpiringEvent(key: key, created: clock()))
        let deadline = clock().addingTimeInterval(-Self.eventTTL)
        while let oldest = eventExpiry.first, eventExpiry.count > maximumEvents || oldest.created < deadline {
            eventExpiry.removeFirst()
            guard let event = objects["events"]?[oldest.key] else { continue }
            // A deletion of an Event that is there cannot fail but for storage, which the write
            // that brought us here reports already.
            _ = try? commit("events", key: oldest.key, object: nil, previous: event)
        }
    }
}
