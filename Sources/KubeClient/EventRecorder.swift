import Foundation
import KubeModel
import Logging

/// Records core/v1 Events about objects, for `kubectl describe` and `kubectl get events`.
///
/// Like client-go's recorder, repeats aggregate: the same (object, type, reason, message) within
/// `aggregationWindow` bumps `count` and `lastTimestamp` of the existing Event instead of creating
/// another. Memory is bounded (the most recent keys only). Recording never throws: an Event is a
/// hint, and failing to write one must not fail a reconcile, so failures are logged.
///
/// With ``Delivery/queued(capacity:writers:)`` a record returns at once and ``deliver()`` writes
/// the Events in the background, as client-go's broadcaster does: a reconcile does not wait for its
/// Events, and when the queues are full (a server that cannot keep up) new Events are dropped and
/// counted rather than held without bound.
public actor EventRecorder {
    /// When Events reach the API server.
    public enum Delivery: Sendable, Equatable {
        /// Written before ``record(_:type:reason:message:)`` returns.
        case immediate
        /// Queued (at most `capacity` waiting per writer) and written by `writers` loops of
        /// ``deliver()``; Events of one object and reason always go through the same writer, in order.
        case queued(capacity: Int, writers: Int)
    }

    /// What a queued Event keeps of its object: its reference, not the whole object.
    private struct Pending: Sendable {
        var object: KubeObject
        var type: EventType
        var reason: String
        var message: String
        var time: Date
    }

    private nonisolated let queues: [AsyncStream<Pending>.Continuation]
    private nonisolated let streams: [AsyncStream<Pending>]
    private var dropped = 0
    private let client: KubeClient
    private let component: String
    private let host: String?
    private let aggregationWindow: Duration
    private let seriesSeconds: Double
    private let logger: Logger
    private let now: @Sendable () -> Date

    private struct Key: Hashable, Sendable {
        var uid: String
        var type: EventType
        var reason: String
        var message: String
    }

    private struct Recorded: Sendable {
        var name: String
        var namespace: String
        var count: Int64
        var lastSeen: Date
        /// When the count was last written to the server.
        var lastWritten: Date
    }

    private var recent: LRUCache<Key, Recorded>

    /// - Parameter seriesInterval: repeats of an Event within this long of its last write only
    ///   count, and the next repeat after it writes the count (events.k8s.io's series, whose
    ///   recorder writes repeats on a heartbeat); zero writes every repeat.
    public init(client: KubeClient, component: String, host: String? = nil, aggregationWindow: Duration = .seconds(600), capacity: Int = 4096,
                delivery: Delivery = .immediate, seriesInterval: Duration = .zero) {
        self.init(client: client, component: component, host: host, aggregationWindow: aggregationWindow, capacity: capacity,
                  delivery: delivery, seriesInterval: seriesInterval, now: { Date() })
    }

    init(client: KubeClient, component: String, host: String?, aggregationWindow: Duration, capacity: Int, delivery: Delivery = .immediate,
         seriesInterval: Duration = .zero, now: @escaping @Sendable () -> Date) {
        self.seriesSeconds = seriesInterval.timeIntervalValue
        self.client = client
        self.component = component
        self.host = host
        self.aggregationWindow = aggregationWindow
        self.logger = client.logger
        self.now = now
        self.recent = LRUCache(capacity: capacity)
        var queues: [AsyncStream<Pending>.Continuation] = []
        var streams: [AsyncStream<Pending>] = []
        if case .queued(let queueCapacity, let writers) = delivery {
            for _ in 0..<max(1, writers) {
                let (stream, continuation) = AsyncStream<Pending>.makeStream(bufferingPolicy: .bufferingOldest(max(1, queueCapacity)))
                streams.append(stream)
                queues.append(continuation)
            }
        }
        self.queues = queues
        self.streams = streams
    }

    public func record(_ object: KubeObject, type: EventType, reason: String, message: String) async {
        guard !queues.isEmpty else {
            await write(object, type: type, reason: reason, message: message, time: now())
            return
        }
        var reference = KubeObject(apiVersion: object.apiVersion ?? "", kind: object.kind ?? "", name: object.name ?? "unknown", namespace: object.namespace)
        var metadata = reference.json["metadata"]?.objectValue ?? [:]
        if let uid = object.uid { metadata["uid"] = .string(uid) }
        if let resourceVersion = object.resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        reference.json["metadata"] = .object(metadata)
        var hasher = Hasher()
        hasher.combine(object.uid ?? object.name ?? "")
        hasher.combine(reason)
        let shard = Int(UInt(bitPattern: hasher.finalize()) % UInt(queues.count))
        if case .dropped = queues[shard].yield(Pending(object: reference, type: type, reason: reason, message: message, time: now())) {
            dropped += 1
            if dropped == 1 || dropped % 1000 == 0 {
                logger.warning("dropping events: the API server is not keeping up", metadata: ["dropped": "\(dropped)", "reason": "\(reason)"])
            }
        }
    }

    /// Writes queued Events until cancelled (returns at once with immediate delivery).
    public nonisolated func deliver() async {
        await withDiscardingTaskGroup { group in
            for stream in streams {
                group.addTask {
                    for await pending in stream {
                        await self.write(pending.object, type: pending.type, reason: pending.reason, message: pending.message, time: pending.time)
                    }
                }
            }
        }
    }

    /// Ends queued delivery: ``deliver()`` writes what is waiting and returns; later Events are not
    /// recorded.
    public nonisolated func finishDelivery() {
        for queue in queues { queue.finish() }
    }

    /// Events dropped because their queue was full.
    public var droppedCount: Int { dropped }

    private func write(_ object: KubeObject, type: EventType, reason: String, message: String, time: Date) async {
        let namespace = object.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let key = Key(uid: object.uid ?? "\(object.apiVersion ?? "")/\(object.kind ?? "")/\(object.key)", type: type, reason: reason, message: message)
        let windowSeconds = aggregationWindow.timeIntervalValue
        if var previous = recent.get(key), time.timeIntervalSince(previous.lastSeen) < windowSeconds {
            previous.count += 1
            previous.lastSeen = time
            if time.timeIntervalSince(previous.lastWritten) < seriesSeconds {
                recent.set(key, previous)
                return
            }
            previous.lastWritten = time
            let patch: JSONValue = ["count": .int(previous.count), "lastTimestamp": .string(RFC3339.format(time))]
            do throws(ClientError) {
                // The answer (the whole Event) is not needed: only whether it was written.
                _ = try await client.send(.patch(.events, name: previous.name, namespace: previous.namespace, .merge(patch), options: .init()))
                recent.set(key, previous)
                return
            } catch .notFound {
                // The Event expired or was deleted: record a new one.
                recent.remove(key)
            } catch {
                logger.warning("cannot update event", metadata: ["event": "\(previous.namespace)/\(previous.name)", "reason": "\(reason)", "error": "\(error)"])
                return
            }
        }
        let event = makeEvent(object, namespace: namespace, type: type, reason: reason, message: message, time: time)
        do {
            // Sent without reading the answer back into an object: the name is the one given here.
            _ = try await client.send(.create(.events, event, namespace: namespace, options: .init()))
            recent.set(key, Recorded(name: event.name ?? "", namespace: namespace, count: 1, lastSeen: time, lastWritten: time))
        } catch {
            // Events cut short by shutdown are not worth a warning.
            logger.log(level: Task.isCancelled ? .debug : .warning, "cannot record event",
                       metadata: ["object": "\(object.key)", "reason": "\(reason)", "error": "\(error)"])
        }
    }

    private func makeEvent(_ object: KubeObject, namespace: String, type: EventType, reason: String, message: String, time: Date) -> KubeObject {
        // client-go names Events `<object>.<hex nanoseconds>`: unique and sorted by time.
        let nanos = UInt64(max(0, time.timeIntervalSince1970) * 1e9)
        let objectName = object.name ?? "unknown"
        let name = String(objectName.prefix(253 - 17)) + "." + String(nanos, radix: 16)
        var involved: JSONObject = [:]
        if let apiVersion = object.apiVersion { involved["apiVersion"] = .string(apiVersion) }
        if let kind = object.kind { involved["kind"] = .string(kind) }
        involved["name"] = .string(objectName)
        if let ns = object.namespace, !ns.isEmpty { involved["namespace"] = .string(ns) }
        if let uid = object.uid { involved["uid"] = .string(uid) }
        if let rv = object.resourceVersion { involved["resourceVersion"] = .string(rv) }
        var source: JSONObject = ["component": .string(component)]
        if let host { source["host"] = .string(host) }
        let timestamp = JSONValue.string(RFC3339.format(time))
        var event = KubeObject(apiVersion: "v1", kind: "Event", name: name, namespace: namespace)
        event.json["involvedObject"] = .object(involved)
        event.json["reason"] = .string(reason)
        // The API server limits messages to 1 KiB.
        event.json["message"] = .string(message.count > 1024 ? String(message.prefix(1021)) + "..." : message)
        event.json["type"] = .string(type.rawValue)
        event.json["source"] = .object(source)
        event.json["firstTimestamp"] = timestamp
        event.json["lastTimestamp"] = timestamp
        event.json["count"] = 1
        event.json["reportingComponent"] = .string(component)
        event.json["reportingInstance"] = .string(host ?? component)
        return event
    }
}
