import Foundation
import KubeModel

/// What the API server does to built-in kinds on every write besides their schemas (which the
/// embedded server does not carry): a Secret's `stringData` is folded into `data` (its keys win)
/// and dropped, `type` defaults to `Opaque`, and `data` must be base64, as the real server's
/// conversion and defaulting do. Clients then read what they would read from a cluster:
/// `kubectl get secret x -o jsonpath={.data.url}` works, and `kubectl get secrets` counts the data.
enum BuiltinWriteRules {
    static func apply(_ resource: APIResource, to object: inout JSONObject) throws(APIError) {
        if resource.group == "batch", resource.plural == "jobs" { return try job(&object) }
        guard resource.group.isEmpty, resource.plural == "secrets" else { return }
        var data = object["data"]?.objectValue ?? [:]
        if let given = object["data"], !given.isNull, given.objectValue == nil {
            throw cannotHandle("data: expected an object, found \(given.typeName)")
        }
        for (key, value) in data {
            guard let text = value.stringValue, Data(base64Encoded: text) != nil else {
                throw cannotHandle("data.\(key): illegal base64 data")
            }
        }
        if let stringData = object["stringData"], !stringData.isNull {
            guard let entries = stringData.objectValue else { throw cannotHandle("stringData: expected an object, found \(stringData.typeName)") }
            for (key, value) in entries {
                guard let text = value.stringValue else { throw cannotHandle("stringData.\(key): expected a string, found \(value.typeName)") }
                data[key] = .string(Data(text.utf8).base64EncodedString())
            }
        }
        object.removeValue(forKey: "stringData")
        if !data.isEmpty || object["data"] != nil { object["data"] = .object(data) }
        if (object["type"]?.stringValue ?? "").isEmpty { object["type"] = "Opaque" }
    }

    private static func cannotHandle(_ detail: String) -> APIError {
        APIError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: \(detail)")
    }

    // MARK: Jobs

    /// A Job as the Job registry stores it (Kubernetes 1.28): unless `manualSelector`, a selector on
    /// the Job's uid and that uid and its name as labels of the pod template (so `kubectl logs job/x`
    /// finds x's pods, and only those); `completions`, `parallelism` 1, `backoffLimit` 6,
    /// `completionMode` NonIndexed, `suspend` false; the pod template's defaults; and the template's
    /// `restartPolicy` must be OnFailure or Never.
    static func job(_ object: inout JSONObject) throws(APIError) {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        guard var spec = object["spec"]?.objectValue else {
            throw APIError.invalid(kind: "Job", name: name, causes: [("spec.template", "Required value")])
        }
        var template = spec["template"]?.objectValue ?? [:]
        var podSpec = template["spec"]?.objectValue ?? [:]
        let restartPolicy = podSpec["restartPolicy"]?.stringValue ?? ""
        guard restartPolicy == "OnFailure" || restartPolicy == "Never" else {
            let cause = restartPolicy.isEmpty ? "Required value: valid values: \"OnFailure\", \"Never\""
                : "Unsupported value: \"\(restartPolicy)\": supported values: \"OnFailure\", \"Never\""
            throw APIError.invalid(kind: "Job", name: name, causes: [("spec.template.spec.restartPolicy", cause)])
        }
        if spec["manualSelector"]?.boolValue != true, let uid = object["metadata"]?["uid"]?.stringValue, spec["selector"] == nil {
            spec["selector"] = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
            var metadata = template["metadata"]?.objectValue ?? [:]
            var labels = metadata["labels"]?.objectValue ?? [:]
            for (key, value) in [("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name),
                                 ("controller-uid", uid), ("job-name", name)] where labels[key] == nil {
                labels[key] = .string(value)
            }
            metadata["labels"] = .object(labels)
            template["metadata"] = .object(metadata)
        }
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
        spec["template"] = .object(template)
        object["spec"] = .object(spec)
        if object["status"] == nil { object["status"] = .object([:]) }
    }

    /// The defaults the Pod registry gives a pod template's spec: DNS policy, scheduler, security
    /// context, grace period, the deprecated `serviceAccount` copy, and per container the pull
    /// policy (from the image's tag), termination message path and policy, and `resources`.
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
}
