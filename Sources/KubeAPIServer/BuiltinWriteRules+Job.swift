import KubeModel

/// Jobs as the Job registry of a real 1.28 server stores them.
extension BuiltinWriteRules {
    /// A Job as the Job registry stores it (Kubernetes 1.28): `completions`, `parallelism` 1, `backoffLimit` 6,
    /// `completionMode` NonIndexed, `suspend` false; the pod template's defaults; and the template's
    /// `restartPolicy` must be OnFailure or Never.
    static func job(_ object: inout JSONObject, name: String) throws(APIError) {
        guard var spec = object["spec"]?.objectValue else {
            throw APIError.invalid(kind: "Job", group: "batch", name: name, causes: [("spec.template", "Required value")])
        }
        var template = spec["template"]?.objectValue ?? [:]
        var podSpec = template["spec"]?.objectValue ?? [:]
        var causes = podSpecProblems(podSpec, path: "spec.template.spec", restartPolicies: ["Always", "OnFailure", "Never"])
        let restartPolicy = podSpec["restartPolicy"]?.stringValue ?? ""
        if restartPolicy != "OnFailure" && restartPolicy != "Never" {
            // 1.28 says "Required value" whatever the value (newer servers say "Unsupported value").
            causes.append(("spec.template.spec.restartPolicy", "Required value: valid values: \"OnFailure\", \"Never\""))
        }
        if !causes.isEmpty { throw APIError.invalid(kind: "Job", group: "batch", name: name, causes: causes) }
        if spec["completions"] == nil && spec["parallelism"] == nil {
            spec["completions"] = 1
            spec["parallelism"] = 1
        }
        if spec["parallelism"] == nil { spec["parallelism"] = 1 }
        if spec["backoffLimit"] == nil { spec["backoffLimit"] = 6 }
        if spec["completionMode"] == nil { spec["completionMode"] = "NonIndexed" }
        if spec["suspend"] == nil { spec["suspend"] = false }
        podTemplateDefaults(&podSpec)
        template["spec"] = .object(podSpec)
        templateMetadataDefaults(&template)
        spec["template"] = .object(template)
        object["spec"] = .object(spec)
        if object["status"] == nil { object["status"] = .object([:]) }
    }

    /// What the Job registry adds on create after the field manager has recorded the write:
    /// unless `manualSelector`, a selector on the Job's uid, and that uid and the Job's name as
    /// labels of the pod template (so `kubectl logs job/x` finds x's pods, and only those).
    static func jobSelector(_ object: inout JSONObject, name: String) {
        guard var spec = object["spec"]?.objectValue, spec["manualSelector"]?.boolValue != true,
              let uid = object["metadata"]?["uid"]?.stringValue, spec["selector"] == nil else { return }
        var template = spec["template"]?.objectValue ?? [:]
        spec["selector"] = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
        var metadata = template["metadata"]?.objectValue ?? [:]
        var labels = metadata["labels"]?.objectValue ?? [:]
        for (key, value) in [("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name),
                             ("controller-uid", uid), ("job-name", name)] where labels[key] == nil {
            labels[key] = .string(value)
        }
        metadata["labels"] = .object(labels)
        template["metadata"] = .object(metadata)
        spec["template"] = .object(template)
        object["spec"] = .object(spec)
    }
}
