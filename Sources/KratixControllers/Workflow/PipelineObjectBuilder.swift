import KratixAPI
import KubeModel

/// Builds the objects of one run; split from ``PipelineResources`` so each concern has its file.
struct PipelineObjectBuilder {
    let run: PipelineRun
    let identity: PipelineRun.ObjectIdentity
    let hash: String

    init(run: PipelineRun) throws(WorkflowError) {
        guard !run.pipelineName.isEmpty else {
            throw WorkflowError(.invalidPromise, object: "Promise \(run.promiseName)",
                                field: "spec.workflows.\(run.workflowType.rawValue).\(run.action.rawValue)[\(run.index)].metadata.name",
                                message: "a pipeline needs a name")
        }
        guard !run.objectName.isEmpty else {
            throw WorkflowError(.invalidObject, object: WorkflowError.describe(run.object), field: "metadata.name", message: "missing")
        }
        self.run = run
        self.identity = try run.objectIdentity()
        self.hash = run.hash
    }

    static let rbacAPIVersion = "rbac.authorization.k8s.io/v1"
    static let rbacGroup = "rbac.authorization.k8s.io"

    var promiseLabel: JSONValue { PipelineObjectBuilder.labels([KratixLabels.promiseName: run.promiseName]) }

    func serviceAccount() -> KubeObject {
        KubeObject([
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": [
                "name": .string(run.serviceAccountName),
                "namespace": .string(run.namespace),
                "labels": promiseLabel,
            ],
        ])
    }

    /// `destination-selectors-<promise>`: the Promise's selectors for the work-writer (§4.5). The
    /// YAML mirrors Go yaml.v2's output (`matchlabels` in lower case, which the reader accepts).
    func schedulingConfigMap() -> KubeObject {
        let entries: [JSONValue] = (run.promise.spec.destinationSelectors ?? []).map { selector in
            var labels = JSONObject()
            for (key, value) in (selector.matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) { labels[key] = .string(value) }
            return ["matchlabels": .object(labels), "source": "promise"]
        }
        let yaml = entries.isEmpty ? "[]\n" : YAMLWriter().write(.array(entries))
        return KubeObject([
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": [
                "name": .string(Self.schedulingConfigMapName(promise: run.promiseName)),
                "namespace": .string(run.namespace),
                "labels": promiseLabel,
            ],
            "data": ["destinationSelectors": .string(yaml)],
        ])
    }

    /// §5.2 step 1: type (or the legacy work-type) and Promise; for requests the request's name, and
    /// its namespace when the Jobs live elsewhere (not for the legacy key).
    func workflowJobSelector(legacy: Bool) -> [String: String] {
        var selector: [String: String] = [
            legacy ? KratixLabels.workType : KratixLabels.workflowType: run.workflowType.rawValue,
            KratixLabels.promiseName: run.promiseName,
            KratixLabels.managedBy: KratixLabels.managedByValue,
        ]
        if run.workflowType == .resource {
            selector[KratixLabels.resourceName] = run.objectName
            if !legacy && run.namespace != run.objectNamespace { selector[KratixLabels.resourceNamespace] = run.objectNamespace }
        }
        return selector
    }

    func workSelector() -> [String: String] {
        var selector = [KratixLabels.workType: run.workflowType.rawValue, KratixLabels.promiseName: run.promiseName]
        if run.workflowType == .resource { selector[KratixLabels.resourceName] = run.objectName }
        return selector
    }

    static func schedulingConfigMapName(promise: String) -> String { "destination-selectors-\(promise)" }

    static func labels(_ map: [String: String]) -> JSONValue {
        var o = JSONObject()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) { o[key] = .string(value) }
        return .object(o)
    }

    static func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
}
