import Foundation
import KubeModel

/// The downward API: pod fields that env `fieldRef`s and `downwardAPI` volumes read.
struct PodFieldValues: Sendable {
    var name: String
    var namespace: String
    var uid: String
    var labels: [String: String]
    var annotations: [String: String]
    var serviceAccountName: String
    var nodeName: String
    /// Every pod of this runner shares the host's network, so its IP is the loopback address.
    var podIP = "127.0.0.1"

    init(pod: KubeObject, spec: PodSpec, nodeName: String) {
        name = pod.name ?? ""
        namespace = pod.namespace ?? "default"
        uid = pod.uid ?? ""
        labels = pod.labels
        annotations = pod.annotations
        serviceAccountName = spec.effectiveServiceAccountName
        self.nodeName = spec.nodeName ?? nodeName
    }

    /// The value of `fieldPath`, or an error naming it (as the API server's validation would).
    func value(_ fieldPath: String, inVolume: Bool = false) throws(ContainerStartError) -> String {
        switch fieldPath {
        case "metadata.name": return name
        case "metadata.namespace": return namespace
        case "metadata.uid": return uid
        case "spec.serviceAccountName": return serviceAccountName
        case "spec.nodeName": return nodeName
        case "status.podIP", "status.podIPs", "status.hostIP", "status.hostIPs": return podIP
        case "metadata.labels" where inVolume: return Self.format(labels)
        case "metadata.annotations" where inVolume: return Self.format(annotations)
        default:
            if let key = Self.subscriptKey(fieldPath, prefix: "metadata.labels") { return labels[key] ?? "" }
            if let key = Self.subscriptKey(fieldPath, prefix: "metadata.annotations") { return annotations[key] ?? "" }
            throw .config("unsupported fieldPath \"\(fieldPath)\" (the runner supports metadata.name, metadata.namespace, metadata.uid, metadata.labels['…'], metadata.annotations['…'], spec.serviceAccountName, spec.nodeName, status.podIP, status.hostIP)")
        }
    }

    /// `metadata.labels['app']` → `app`.
    private static func subscriptKey(_ path: String, prefix: String) -> String? {
        guard path.hasPrefix(prefix + "["), path.hasSuffix("]") else { return nil }
        var inner = path.dropFirst(prefix.count + 1).dropLast()
        if inner.count >= 2, let first = inner.first, first == "'" || first == "\"", inner.last == first {
            inner = inner.dropFirst().dropLast()
        }
        return String(inner)
    }

    /// `key="value"` lines, sorted, as the kubelet writes labels and annotations into a volume.
    private static func format(_ map: [String: String]) -> String {
        map.keys.sorted().map { key in
            let value = map[key, default: ""].replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(value)\""
        }.joined(separator: "\n")
    }
}
