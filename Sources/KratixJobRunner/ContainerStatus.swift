import KubeModel

/// One container's status, as `kubectl describe pod` shows it.
public struct ContainerStatus: Sendable, Equatable {
    public var name: String
    public var image: String
    public var state: ContainerState
    public var lastState: ContainerState?
    public var restartCount: Int = 0
    /// `process://<pid>` once started: there is no container runtime to name.
    public var containerID: String?

    public init(name: String, image: String, state: ContainerState) {
        self.name = name
        self.image = image
        self.state = state
    }

    public var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    public var termination: ContainerTermination? {
        if case .terminated(let t) = state { return t }
        return nil
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "name": .string(name), "image": .string(image), "imageID": .string(image),
            "ready": .bool(isRunning), "started": .bool(isRunning), "restartCount": .int(Int64(restartCount)),
            "state": state.json, "lastState": lastState?.json ?? .object([:]),
        ]
        if let containerID { object["containerID"] = .string(containerID) }
        return .object(object)
    }
}

public enum ContainerState: Sendable, Equatable {
    case waiting(reason: String, message: String?)
    case running(startedAt: String)
    case terminated(ContainerTermination)

    public var json: JSONValue {
        switch self {
        case .waiting(let reason, let message):
            var waiting: JSONObject = ["reason": .string(reason)]
            if let message { waiting["message"] = .string(message) }
            return ["waiting": .object(waiting)]
        case .running(let startedAt):
            return ["running": ["startedAt": .string(startedAt)]]
        case .terminated(let termination):
            return ["terminated": termination.json]
        }
    }
}

/// How a container ended: `Completed` for exit code 0, else `Error` with the last lines of output.
public struct ContainerTermination: Sendable, Equatable {
    public var exitCode: Int32
    public var signal: Int32?
    public var reason: String
    public var message: String?
    public var startedAt: String?
    public var finishedAt: String
    public var containerID: String?

    public init(exitCode: Int32, signal: Int32? = nil, reason: String, message: String? = nil, startedAt: String?, finishedAt: String, containerID: String? = nil) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }

    public var json: JSONValue {
        var object: JSONObject = ["exitCode": .int(Int64(exitCode)), "reason": .string(reason), "finishedAt": .string(finishedAt)]
        if let signal { object["signal"] = .int(Int64(signal)) }
        if let message { object["message"] = .string(message) }
        if let startedAt { object["startedAt"] = .string(startedAt) }
        if let containerID { object["containerID"] = .string(containerID) }
        return .object(object)
    }
}
