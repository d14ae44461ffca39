import KubeModel

/// A Pod's `status` as the runner, standing in for the kubelet, reports it.
///
/// A value type the executor changes as containers start and stop; ``json`` is what gets written to
/// the Pod's status subresource, in the shape `kubectl get/describe/wait` read.
public struct PodStatus: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case pending = "Pending"
        case running = "Running"
        case succeeded = "Succeeded"
        case failed = "Failed"
    }

    public var phase: Phase = .pending
    public var conditions: [PodCondition] = []
    public var initContainerStatuses: [ContainerStatus] = []
    public var containerStatuses: [ContainerStatus] = []
    /// RFC 3339: when the runner took the pod.
    public var startTime: String?
    /// A pod-level reason such as `DeadlineExceeded`.
    public var reason: String?
    public var message: String?
    public var hostIP: String?
    public var podIP: String?
    /// Orders reports: a writer that sees them out of order keeps the highest.
    public var sequence: Int = 0

    public init() {}

    public var isFinished: Bool { phase == .succeeded || phase == .failed }

    public var json: JSONValue {
        var object: JSONObject = ["phase": .string(phase.rawValue)]
        object["conditions"] = .array(conditions.map(\.json))
        if !initContainerStatuses.isEmpty { object["initContainerStatuses"] = .array(initContainerStatuses.map(\.json)) }
        object["containerStatuses"] = .array(containerStatuses.map(\.json))
        // Explicit nulls: the status is written as a merge patch, which must also clear what is gone.
        object["startTime"] = startTime.map(JSONValue.string) ?? .null
        object["reason"] = reason.map(JSONValue.string) ?? .null
        object["message"] = message.map(JSONValue.string) ?? .null
        if let hostIP {
            object["hostIP"] = .string(hostIP)
            object["hostIPs"] = [["ip": .string(hostIP)]]
        }
        if let podIP {
            object["podIP"] = .string(podIP)
            object["podIPs"] = [["ip": .string(podIP)]]
        }
        object["qosClass"] = "BestEffort"
        return .object(object)
    }

    /// Sets a condition, moving its transition time only when its status changes.
    public mutating func setCondition(_ type: String, _ status: Bool, reason: String? = nil, message: String? = nil, now: String) {
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            if conditions[index].status != status { conditions[index].lastTransitionTime = now }
            conditions[index].status = status
            conditions[index].reason = reason
            conditions[index].message = message
        } else {
            conditions.append(PodCondition(type: type, status: status, reason: reason, message: message, lastTransitionTime: now))
        }
    }

    public func condition(_ type: String) -> PodCondition? { conditions.first { $0.type == type } }
}

/// A pod condition (`PodScheduled`, `Initialized`, `ContainersReady`, `Ready`, `PodReadyToStartContainers`).
public struct PodCondition: Sendable, Equatable {
    public var type: String
    public var status: Bool
    public var reason: String?
    public var message: String?
    public var lastTransitionTime: String

    public var json: JSONValue {
        var object: JSONObject = [
            "type": .string(type), "status": .string(status ? "True" : "False"),
            "lastProbeTime": .null, "lastTransitionTime": .string(lastTransitionTime),
        ]
        if let reason { object["reason"] = .string(reason) }
        if let message { object["message"] = .string(message) }
        return .object(object)
    }
}
