import KubeModel

/// Deployments as the Deployment registry of a real 1.28 server stores them.
extension BuiltinWriteRules {
    /// One replica, ten old ReplicaSets kept, a 600 s progress deadline, a 25 % rolling update, the
    /// pod template's defaults (`restartPolicy: Always`, the only one allowed); the selector is
    /// required and must match the template's labels.
    static func deployment(_ object: inout JSONObject, name: String) throws(APIError) {
        var spec = object["spec"]?.objectValue ?? [:]
        if spec["replicas"] == nil { spec["replicas"] = 1 }
        if spec["revisionHistoryLimit"] == nil { spec["revisionHistoryLimit"] = 10 }
        if spec["progressDeadlineSeconds"] == nil { spec["progressDeadlineSeconds"] = 600 }
        var strategy = spec["strategy"]?.objectValue ?? [:]
        if strategy["type"] == nil { strategy["type"] = "RollingUpdate" }
        if strategy["type"]?.stringValue == "RollingUpdate" {
            var rolling = strategy["rollingUpdate"]?.objectValue ?? [:]
            if rolling["maxSurge"] == nil { rolling["maxSurge"] = "25%" }
            if rolling["maxUnavailable"] == nil { rolling["maxUnavailable"] = "25%" }
            strategy["rollingUpdate"] = .object(rolling)
        }
        spec["strategy"] = .object(strategy)
        var template = spec["template"]?.objectValue ?? [:]
        var podSpec = template["spec"]?.objectValue ?? [:]
        if podSpec["restartPolicy"] == nil { podSpec["restartPolicy"] = "Always" }
        podTemplateDefaults(&podSpec)
        var causes = podSpecProblems(podSpec, path: "spec.template.spec", restartPolicies: ["Always"])
        let labels = template["metadata"]?["labels"]?.objectValue ?? [:]
        if let selector = spec["selector"], !selector.isNull {
            let matchLabels = selector["matchLabels"]?.objectValue ?? [:]
            if !matchLabels.allSatisfy({ labels[$0.key] == $0.value }) {
                let shown = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value.stringValue ?? "")\"" }.joined(separator: ", ")
                causes.append(("spec.template.metadata.labels", "Invalid value: map[string]string{\(shown)}: `selector` does not match template `labels`"))
            }
        } else {
            causes.insert(("spec.selector", "Required value"), at: 0)
        }
        if !causes.isEmpty { throw APIError.invalid(kind: "Deployment", group: "apps", name: name, causes: causes) }
        template["spec"] = .object(podSpec)
        templateMetadataDefaults(&template)
        spec["template"] = .object(template)
        object["spec"] = .object(spec)
        if object["status"] == nil { object["status"] = .object([:]) }
    }
}
