import Foundation
import KubeModel

/// The Events a real cluster's Job controller and kubelet record about Jobs and their pods, made by
/// the store from the writes that show them, so `kubectl describe job` and `describe pod` read
/// them as on a cluster: `SuccessfulCreate` when a Job's pod is created, `Started` when a
/// container first runs, `Completed` or the failure reason when a Job finishes, and the reason a
/// pod is created waiting (the local runner's `WaitingForRunnerSlot`). Made inside the write, they
/// cost the runner no requests.
extension ObjectStore {
    /// Records what a committed write of a pod or a Job shows.
    func recordWorkloadEvents(_ resource: APIResource, old: JSONObject?, new: JSONObject) throws(APIError) {
        switch (resource.group, resource.plural) {
        case ("", "pods"): try recordPodEvents(old: old, new: new)
        case ("batch", "jobs"): try recordJobEvents(old: old, new: new)
        default: break
        }
    }

    private func recordPodEvents(old: JSONObject?, new: JSONObject) throws(APIError) {
        let pod = JSONValue.object(new)
        let host = pod[path: ["spec", "nodeName"]]?.stringValue ?? ""
        if old == nil {
            if let owner = pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first(where: { $0["controller"] == true && $0["kind"] == "Job" }) {
                let job: JSONValue = [
                    "apiVersion": "batch/v1", "kind": "Job", "name": owner["name"] ?? "", "uid": owner["uid"] ?? "",
                    "namespace": pod[path: ["metadata", "namespace"]] ?? "",
                ]
                try recordEvent(about: job, type: "Normal", reason: "SuccessfulCreate",
                                message: "Created pod: \(pod[path: ["metadata", "name"]]?.stringValue ?? "")", component: "job-controller")
            }
            if let reason = pod[path: ["status", "reason"]]?.stringValue, !reason.isEmpty, pod[path: ["status", "phase"]] == "Pending" {
                try recordEvent(about: reference(pod), type: "Normal", reason: reason,
                                message: pod[path: ["status", "message"]]?.stringValue ?? reason, component: "kubelet", host: host)
            }
        }
        let before = JSONValue.object(old ?? [:])
        for (field, specField) in [("initContainerStatuses", "initContainers"), ("containerStatuses", "containers")] {
            let previous = before[path: ["status", field]]?.arrayValue ?? []
            for container in pod[path: ["status", field]]?.arrayValue ?? [] {
                let name = container["name"]?.stringValue ?? ""
                let earlier = previous.first { $0["name"]?.stringValue == name }
                func started(_ status: JSONValue?) -> Bool {
                    guard let state = status?["state"] else { return false }
                    return state["running"] != nil || state[path: ["terminated", "startedAt"]]?.isNull == false
                }
                let restarted = (container["restartCount"]?.intValue ?? 0) > (earlier?["restartCount"]?.intValue ?? 0)
                guard started(container), !started(earlier) || restarted else { continue }
                var involved = reference(pod)
                involved["fieldPath"] = .string("spec.\(specField){\(name)}")
                try recordEvent(about: involved, type: "Normal", reason: "Started", message: "Started container \(name)", component: "kubelet", host: host)
            }
        }
    }

    private func recordJobEvents(old: JSONObject?, new: JSONObject) throws(APIError) {
        let job = JSONValue.object(new)
        func trueCondition(_ object: JSONValue, _ type: String) -> JSONValue? {
            object[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type && $0["status"] == "True" }
        }
        let before = JSONValue.object(old ?? [:])
        if trueCondition(job, "Complete") != nil, trueCondition(before, "Complete") == nil {
            try recordEvent(about: reference(job), type: "Normal", reason: "Completed", message: "Job completed", component: "job-controller")
        }
        if let failed = trueCondition(job, "Failed"), trueCondition(before, "Failed") == nil {
            try recordEvent(about: reference(job), type: "Warning", reason: failed["reason"]?.stringValue ?? "Failed",
                            message: failed["message"]?.stringValue ?? "Job failed", component: "job-controller")
        }
    }

    /// An `ObjectReference` to an object, as an Event's `involvedObject`.
    func reference(_ object: JSONValue) -> JSONValue {
        [
            "apiVersion": object["apiVersion"] ?? "", "kind": object["kind"] ?? "", "name": object[path: ["metadata", "name"]] ?? "",
            "namespace": object[path: ["metadata", "namespace"]] ?? "", "uid": object[path: ["metadata", "uid"]] ?? "",
        ]
    }

    /// A core/v1 Event, as client-go's recorder writes one.
    func recordEvent(about involved: JSONValue, type: String, reason: String, message: String, component: String, host: String = "") throws(APIError) {
        let namespace = involved["namespace"]?.stringValue ?? ""
        guard !namespace.isEmpty, objects["namespaces"]?[key(nil, namespace)] != nil else { return }
        let now = Timestamp.format(clock())
        // client-go's name: the object's and the time in nanoseconds, in hex (made unique here).
        var nanoseconds = UInt64(max(0, clock().timeIntervalSince1970) * 1_000_000_000)
        var name: String
        repeat {
            name = "\(involved["name"]?.stringValue ?? "").\(String(nanoseconds, radix: 16))"
            nanoseconds += 1
        } while objects["events"]?[key(namespace, name)] != nil
        var source: JSONObject = ["component": .string(component)]
        if !host.isEmpty { source["host"] = .string(host) }
        var event: JSONObject = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased()),
                "creationTimestamp": .string(now),
            ],
            "involvedObject": involved, "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": .object(source), "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
            "eventTime": .null, "reportingComponent": .string(component),
        ]
        if !host.isEmpty { event["reportingInstance"] = .string(host) }
        if let events = resources["/events"] {
            recordManagedFields(&event, over: nil, by: component == "kubelet" ? "kubelet" : "kube-controller-manager", of: events)
        }
        try commit("events", key: key(namespace, name), object: event, previous: nil)
    }
}
