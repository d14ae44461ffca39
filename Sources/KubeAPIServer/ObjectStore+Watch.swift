import KubeModel

/// Watches: streams of the changes to one resource, resumable from a resourceVersion.
extension ObjectStore {
    /// Starts a watch. `resourceVersion` empty or "0" sends the current objects as ADDED first;
    /// a specific version replays the changes after it, or fails with 410 Gone if they are no
    /// longer kept. Changes not yet on the disk are sent once they are (``deliver(upTo:)``).
    public func watch(_ resource: APIResource, filter: WatchFilter, resourceVersion: String?, bufferSize: Int = 1_000) throws(APIError) -> AsyncStream<WatchEvent> {
        var initial: [WatchEvent] = []
        let after: Int64
        if let rvText = resourceVersion, !rvText.isEmpty, rvText != "0" {
            guard let rv = Int64(rvText) else { throw APIError.badRequest("invalid resourceVersion \"\(rvText)\"") }
            if rv < compactedRevision {
                throw APIError(code: 410, reason: "Expired", message: "too old resource version: \(rv) (\(compactedRevision))")
            }
            for event in events where event.revision > rv && event.revision <= deliveredRevision && event.groupResource == resource.groupResource {
                if let delivered = filter.translate(event) { initial.append(delivered) }
            }
            after = max(rv, deliveredRevision)
        } else {
            // The current objects, as a list shows them: later changes only follow.
            for object in list(resource, filter: filter).items {
                initial.append(WatchEvent(type: .added, object: object))
            }
            after = revision
        }
        let (stream, continuation) = AsyncStream<WatchEvent>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize + initial.count))
        for event in initial { continuation.yield(event) }
        let id = nextWatcherID
        nextWatcherID += 1
        watchers[id] = Watcher(groupResource: resource.groupResource, filter: filter, continuation: continuation, after: after)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.stopWatching(id) }
        }
        return stream
    }

    /// Tells the watchers about every held-back change up to `durable`, in order.
    func deliver(upTo durable: Int64) {
        while let event = undelivered.first, event.revision <= durable {
            undelivered.removeFirst()
            deliveredRevision = event.revision
            for (id, watcher) in watchers where watcher.groupResource == event.groupResource && event.revision > watcher.after {
                guard let delivered = watcher.filter.translate(event) else { continue }
                if case .dropped = watcher.continuation.yield(delivered) {
                    // A watcher that cannot keep up is closed rather than allowed to hold memory or
                    // lose events; it resumes from the last resourceVersion it saw.
                    watcher.continuation.finish()
                    watchers[id] = nil
                }
            }
        }
    }

    func stopWatching(_ id: UInt64) {
        watchers[id] = nil
    }

    /// The number of open watches (for tests and metrics).
    public var watcherCount: Int { watchers.count }

    /// The open watches of one resource ("plural.group").
    public func watcherCount(groupResource: String) -> Int { watchers.values.count { $0.groupResource == groupResource } }

    /// Ends every open watch stream, as a server restart or a dropped connection would (clients
    /// must resume from the last resourceVersion they saw).
    public func closeAllWatches() {
        let open = watchers
        watchers = [:]
        for (_, watcher) in open { watcher.continuation.finish() }
    }
}
