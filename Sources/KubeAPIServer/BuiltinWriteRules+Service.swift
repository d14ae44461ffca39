import KubeModel

/// Services as the Service registry of a real 1.28 server stores them. The cluster IP itself is
/// allocated by the store (``ObjectStore/allocateClusterIP(for:)``), which knows the IPs in use.
extension BuiltinWriteRules {
    static let serviceTypes = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]

    /// `type: ClusterIP`, `sessionAffinity: None`, `internalTrafficPolicy: Cluster`, ports with
    /// protocol TCP and `targetPort` = `port`, and `status.loadBalancer: {}`.
    static func service(_ object: inout JSONObject, name: String) throws(APIError) {
        var spec = object["spec"]?.objectValue ?? [:]
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        spec["type"] = .string(type)
        if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
        if type != "ExternalName", spec["internalTrafficPolicy"] == nil { spec["internalTrafficPolicy"] = "Cluster" }
        var causes: [(field: String, message: String)] = []
        if !serviceTypes.contains(type) {
            causes.append(("spec.type", "Unsupported value: \"\(type)\": supported values: \(serviceTypes.map { "\"\($0)\"" }.joined(separator: ", "))"))
        }
        let ports = spec["ports"]?.arrayValue ?? []
        if ports.isEmpty && type != "ExternalName" && spec["clusterIP"]?.stringValue != "None" {
            causes.append(("spec.ports", "Required value"))
        }
        spec["ports"] = ports.isEmpty ? spec["ports"] : .array(ports.enumerated().map { i, port in
            guard var p = port.objectValue else { return port }
            if p["protocol"] == nil { p["protocol"] = "TCP" }
            if p["targetPort"] == nil, let number = p["port"] { p["targetPort"] = number }
            if let number = p["port"]?.intValue, !(1...65535).contains(number) {
                causes.append(("spec.ports[\(i)].port", "Invalid value: \(number): must be between 1 and 65535, inclusive"))
            } else if p["port"] == nil {
                causes.append(("spec.ports[\(i)].port", "Required value"))
            }
            return .object(p)
        })
        if !causes.isEmpty { throw APIError.invalid(kind: "Service", name: name, causes: causes) }
        object["spec"] = .object(spec)
        var status = object["status"]?.objectValue ?? [:]
        if status["loadBalancer"] == nil { status["loadBalancer"] = .object([:]) }
        object["status"] = .object(status)
    }
}
