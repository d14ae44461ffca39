import KubeModel

/// Container output (`pods/log`), kept in memory and dropped with the pod.
extension ObjectStore {
    /// Largest log kept per container; older output is dropped first.
    static let maximumLogSize = 4 * 1024 * 1024

    public func appendLog(_ key: String, _ bytes: [UInt8]) {
        var log = logs[key, default: []]
        log.append(contentsOf: bytes)
        if log.count > Self.maximumLogSize { log.removeFirst(log.count - Self.maximumLogSize) }
        logs[key] = log
        guard var followers = logFollowers[key] else { return }
        followers.removeAll { follower in
            switch follower.yield(bytes) {
            case .enqueued: return false
            case .dropped, .terminated:
                // A reader that cannot keep up is ended rather than allowed to hold memory.
                follower.finish()
                return true
            @unknown default: return true
            }
        }
        logFollowers[key] = followers.isEmpty ? nil : followers
    }

    public func log(_ key: String) -> [UInt8] { logs[key] ?? [] }

    /// Most chunks a log follower may have waiting before it is ended.
    static let logFollowerBuffer = 256

    /// The output of a container so far and a stream of what is appended later (`kubectl logs -f`).
    /// The stream ends when the container has terminated (its status says so, or the pod finished)
    /// or the pod is deleted; it is finished at once when that is already the case.
    public func followLog(_ key: String, pod: JSONObject, container: String) -> (existing: [UInt8], stream: AsyncStream<[UInt8]>) {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(Self.logFollowerBuffer))
        if Self.containerHasEnded(container, in: pod) {
            continuation.finish()
        } else {
            logFollowers[key, default: []].append(continuation)
        }
        return (logs[key] ?? [], stream)
    }

    /// Ends the followers of a pod's containers that have terminated (all of them when the pod is gone).
    func finishLogFollowers(podKey: String, pod: JSONObject?) {
        let prefix = podKey + "/"
        for (key, followers) in logFollowers where key.hasPrefix(prefix) {
            let container = String(key.dropFirst(prefix.count))
            guard pod.map({ Self.containerHasEnded(container, in: $0) }) ?? true else { continue }
            for follower in followers { follower.finish() }
            logFollowers[key] = nil
        }
    }

    static func containerHasEnded(_ container: String, in pod: JSONObject) -> Bool {
        let status = pod["status"] ?? .object([:])
        if let phase = status["phase"]?.stringValue, phase == "Succeeded" || phase == "Failed" { return true }
        let statuses = (status["initContainerStatuses"]?.arrayValue ?? []) + (status["containerStatuses"]?.arrayValue ?? [])
        guard let entry = statuses.first(where: { $0["name"]?.stringValue == container }) else { return false }
        return entry[path: ["state", "terminated"]] != nil
    }
}
