import Foundation
import KubeModel

/// Pods and pod templates as the Pod registry of a real 1.28 server defaults and validates them,
/// so a bad pod template is refused when its Job or Deployment is created, with the same field
/// causes, instead of failing pod after pod later.
extension BuiltinWriteRules {
    /// A Pod: the template defaults, then what only Pods get (`restartPolicy: Always`, service
    /// links), container ports' protocol, validation, and `status` with the `Pending` phase and the
    /// QoS class the registry sets on create.
    static func pod(_ object: inout JSONObject, name: String) throws(APIError) {
        var spec = object["spec"]?.objectValue ?? [:]
        if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
        if spec["enableServiceLinks"] == nil { spec["enableServiceLinks"] = true }
        podTemplateDefaults(&spec)
        let causes = podSpecProblems(spec, path: "spec", restartPolicies: ["Always", "OnFailure", "Never"])
        if !causes.isEmpty { throw APIError.invalid(kind: "Pod", name: name, causes: causes) }
        var status = object["status"]?.objectValue ?? [:]
        if status["phase"] == nil { status["phase"] = "Pending" }
        if status["qosClass"] == nil { status["qosClass"] = .string(qosClass(spec)) }
        object["spec"] = .object(spec)
        object["status"] = .object(status)
    }

    /// The defaults the Pod registry gives a pod template's spec: DNS policy, scheduler, security
    /// context, grace period, the deprecated `serviceAccount` copy, and per container the pull
    /// policy (from the image's tag), termination message path and policy, `resources`, and
    /// ports' protocol.
    static func podTemplateDefaults(_ spec: inout JSONObject) {
        if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
        if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
        if spec["securityContext"] == nil { spec["securityContext"] = .object([:]) }
        if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
        if let account = spec["serviceAccountName"]?.stringValue, !account.isEmpty, spec["serviceAccount"] == nil {
            spec["serviceAccount"] = .string(account)
        }
        for field in ["initContainers", "containers"] {
            guard let containers = spec[field]?.arrayValue else { continue }
            spec[field] = .array(containers.map { container in
                guard var c = container.objectValue else { return container }
                if c["imagePullPolicy"] == nil { c["imagePullPolicy"] = .string(pullPolicy(c["image"]?.stringValue ?? "")) }
                if c["terminationMessagePath"] == nil { c["terminationMessagePath"] = "/dev/termination-log" }
                if c["terminationMessagePolicy"] == nil { c["terminationMessagePolicy"] = "File" }
                if c["resources"] == nil { c["resources"] = .object([:]) }
                if let ports = c["ports"]?.arrayValue {
                    c["ports"] = .array(ports.map { port in
                        guard var p = port.objectValue else { return port }
                        if p["protocol"] == nil { p["protocol"] = "TCP" }
                        return .object(p)
                    })
                }
                return .object(c)
            })
        }
    }

    /// `Always` for `:latest` or no tag, else `IfNotPresent` (a digest counts as a tag).
    static func pullPolicy(_ image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastPart = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastPart.lastIndex(of: ":") else { return "Always" }
        return lastPart[lastPart.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    /// The checks of `ValidatePodSpec` that a hand-written manifest trips over, in its order
    /// (volumes, containers, init containers, restart policy), with its paths and messages.
    static func podSpecProblems(_ spec: JSONObject, path: String, restartPolicies: [String]) -> [(field: String, message: String)] {
        var causes: [(field: String, message: String)] = []
        var volumeNames: Set<String> = []
        for (i, volume) in (spec["volumes"]?.arrayValue ?? []).enumerated() {
            let name = volume["name"]?.stringValue ?? ""
            let field = "\(path).volumes[\(i)].name"
            if name.isEmpty {
                causes.append((field, "Required value"))
            } else if !volumeNames.insert(name).inserted {
                causes.append((field, "Duplicate value: \"\(name)\""))
            } else if !LabelValidation.isDNSLabel(name) {
                causes.append((field, "Invalid value: \"\(name)\": \(dnsLabelMessage)"))
            }
        }
        let containers = spec["containers"]?.arrayValue ?? []
        if containers.isEmpty { causes.append(("\(path).containers", "Required value")) }
        var containerNames: Set<String> = []
        for field in ["containers", "initContainers"] {
            for (i, container) in (spec[field]?.arrayValue ?? []).enumerated() {
                causes += containerProblems(container, path: "\(path).\(field)[\(i)]", volumes: volumeNames, names: &containerNames)
            }
        }
        if let policy = spec["restartPolicy"]?.stringValue, !restartPolicies.contains(policy) {
            let supported = restartPolicies.map { "\"\($0)\"" }.joined(separator: ", ")
            causes.append(("\(path).restartPolicy", "Unsupported value: \"\(policy)\": supported values: \(supported)"))
        }
        return causes
    }

    private static let dnsLabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    private static func containerProblems(_ container: JSONValue, path: String, volumes: Set<String>, names: inout Set<String>) -> [(field: String, message: String)] {
        var causes: [(field: String, message: String)] = []
        let name = container["name"]?.stringValue ?? ""
        if name.isEmpty {
            causes.append(("\(path).name", "Required value"))
        } else if !names.insert(name).inserted {
            causes.append(("\(path).name", "Duplicate value: \"\(name)\""))
        } else if !LabelValidation.isDNSLabel(name) {
            causes.append(("\(path).name", "Invalid value: \"\(name)\": \(dnsLabelMessage)"))
        }
        if (container["image"]?.stringValue ?? "").isEmpty { causes.append(("\(path).image", "Required value")) }
        for (i, variable) in (container["env"]?.arrayValue ?? []).enumerated() {
            let field = "\(path).env[\(i)]"
            if (variable["name"]?.stringValue ?? "").isEmpty { causes.append(("\(field).name", "Required value")) }
            for reference in ["secretKeyRef", "configMapKeyRef"] {
                guard let selector = variable["valueFrom"]?[reference], !selector.isNull else { continue }
                if (selector["key"]?.stringValue ?? "").isEmpty { causes.append(("\(field).valueFrom.\(reference).key", "Required value")) }
            }
        }
        for (i, mount) in (container["volumeMounts"]?.arrayValue ?? []).enumerated() {
            let field = "\(path).volumeMounts[\(i)]"
            let volume = mount["name"]?.stringValue ?? ""
            if volume.isEmpty {
                causes.append(("\(field).name", "Required value"))
            } else if !volumes.contains(volume) {
                causes.append(("\(field).name", "Not found: \"\(volume)\""))
            }
            if (mount["mountPath"]?.stringValue ?? "").isEmpty { causes.append(("\(field).mountPath", "Required value")) }
        }
        for (i, port) in (container["ports"]?.arrayValue ?? []).enumerated() {
            guard let number = port["containerPort"]?.intValue else {
                causes.append(("\(path).ports[\(i)].containerPort", "Required value"))
                continue
            }
            if !(1...65535).contains(number) {
                causes.append(("\(path).ports[\(i)].containerPort", "Invalid value: \(number): must be between 1 and 65535, inclusive"))
            }
        }
        return causes
    }

    /// `qos.GetPodQOS`: BestEffort without requests or limits, Guaranteed when every container
    /// limits CPU and memory and requests (defaulted to the limits) equal them, else Burstable.
    static func qosClass(_ spec: JSONObject) -> String {
        let containers = (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? [])
        var anyResources = false
        var guaranteed = true
        for container in containers {
            let limits = container[path: ["resources", "limits"]]?.objectValue ?? [:]
            let requests = container[path: ["resources", "requests"]]?.objectValue ?? [:]
            if !limits.isEmpty || !requests.isEmpty { anyResources = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else { guaranteed = false; continue }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !anyResources { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}

extension BuiltinWriteRules {
    /// A pod template's metadata as a Go server writes it back: `creationTimestamp: null` (the zero
    /// `metav1.Time` of the embedded ObjectMeta).
    static func templateMetadataDefaults(_ template: inout JSONObject) {
        var metadata = template["metadata"]?.objectValue ?? [:]
        if metadata["creationTimestamp"] == nil { metadata["creationTimestamp"] = .null }
        template["metadata"] = .object(metadata)
    }
}
