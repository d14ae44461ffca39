import KratixAPI
import KubeModel

/// One pipeline of one workflow, for one object: everything needed to build its Job and the objects
/// around it (§4), without talking to the API server.
public struct PipelineRun: Sendable {
    public var promise: Promise
    public var pipeline: Pipeline
    public var workflowType: WorkflowType
    public var action: WorkflowAction
    /// The resource request for resource workflows, the Promise itself for promise workflows.
    public var object: KubeObject
    /// Position of this pipeline in its workflow; the last one gets `IS_LAST_PIPELINE=true`.
    public var index: Int
    public var total: Int
    public var configuration: KratixConfiguration
    /// A dry-run resource request (the DryRun feature): distinct hash, `KRATIX_DRY_RUN=true`.
    public var dryRun: Bool

    public init(
        promise: Promise, pipeline: Pipeline, workflowType: WorkflowType, action: WorkflowAction, object: KubeObject,
        index: Int, total: Int, configuration: KratixConfiguration, dryRun: Bool = false
    ) {
        self.promise = promise
        self.pipeline = pipeline
        self.workflowType = workflowType
        self.action = action
        self.object = object
        self.index = index
        self.total = total
        self.configuration = configuration
        self.dryRun = dryRun
    }

    /// One run per pipeline of the Promise's `type`/`action` workflow, in order.
    ///
    /// Delete workflows return every entry (each still gets its `IS_LAST_PIPELINE`), although only
    /// the first one is ever run (§5.8).
    public static func all(
        promise: Promise, workflowType: WorkflowType, action: WorkflowAction, object: KubeObject,
        configuration: KratixConfiguration, dryRun: Bool = false
    ) throws(WorkflowError) -> [PipelineRun] {
        let pipelines: [Pipeline]
        do {
            pipelines = try promise.spec.pipelines(workflowType, action)
        } catch {
            throw WorkflowError(.invalidPromise, object: "Promise \(promise.name)", field: error.field, message: error.message)
        }
        return pipelines.enumerated().map { index, pipeline in
            PipelineRun(promise: promise, pipeline: pipeline, workflowType: workflowType, action: action, object: object,
                        index: index, total: pipelines.count, configuration: configuration, dryRun: dryRun)
        }
    }

    public var promiseName: String { promise.name }
    public var pipelineName: String { pipeline.name }
    public var isLastPipeline: Bool { index == total - 1 }

    /// `<promise>-<type>-<action>-<pipeline>`; the ServiceAccount and default RBAC are named after it.
    public var pipelineID: String {
        "\(promiseName)-\(workflowType.rawValue)-\(action.rawValue)-\(pipelineName)"
    }

    /// `spec.workflows.config.pipelineNamespace`, when set.
    public var configuredPipelineNamespace: String? {
        guard let ns = promise.spec.workflows?.config?.pipelineNamespace, !ns.isEmpty else { return nil }
        return ns
    }

    /// The namespace the Job and its objects live in (§4.1).
    public var namespace: String {
        if let configuredPipelineNamespace { return configuredPipelineNamespace }
        switch workflowType {
        case .promise: return KratixGroup.systemNamespace
        case .resource: return objectNamespace.isEmpty ? KratixGroup.systemNamespace : objectNamespace
        }
    }

    /// The resource request's namespace; empty for promise workflows.
    public var objectNamespace: String {
        workflowType == .resource ? (object.namespace ?? "") : ""
    }

    public var objectName: String { object.name ?? "" }

    /// The ServiceAccount the Job runs as: `rbac.serviceAccount`, else the pipeline ID.
    public var serviceAccountName: String {
        if let sa = pipeline.spec.rbac?.serviceAccount, !sa.isEmpty { return sa }
        return pipelineID
    }

    /// The `kratix.io/hash` of this run's Job (§4.7).
    public var hash: String {
        let promiseJSON = (try? promise.toJSON()) ?? .object([:])
        switch workflowType {
        case .promise: return KratixHash.promiseWorkflowHash(promise: object.value)
        case .resource: return KratixHash.resourceWorkflowHash(promise: promiseJSON, request: object.value, dryRun: dryRun)
        }
    }

    /// What the pipeline's containers are told about the object (`KRATIX_OBJECT_*`).
    public struct ObjectIdentity: Sendable, Equatable {
        public var group: String
        public var version: String
        public var kind: String
        public var plural: String
        public var clusterScoped: Bool
    }

    /// The object's group, version, kind and plural: fixed for Promises, from the Promise's API (and
    /// the request's own `apiVersion`/`kind`) for resource requests.
    public func objectIdentity() throws(WorkflowError) -> ObjectIdentity {
        switch workflowType {
        case .promise:
            return ObjectIdentity(group: KratixGroup.group, version: KratixGroup.version, kind: Promise.apiKind,
                                  plural: Promise.plural, clusterScoped: true)
        case .resource:
            let api = try resourceAPI()
            var group = api.group
            var version = api.version
            if let apiVersion = object.apiVersion, let gv = GroupVersion(apiVersion: apiVersion) {
                group = gv.group
                version = gv.version
            }
            return ObjectIdentity(group: group, version: version, kind: object.kind ?? api.kind, plural: api.plural,
                                  clusterScoped: false)
        }
    }

    /// The group, storage version, kind and plural of the Promise's API.
    public struct ResourceAPI: Sendable, Equatable {
        public var group: String
        public var version: String
        public var kind: String
        public var plural: String
    }

    public func resourceAPI() throws(WorkflowError) -> ResourceAPI {
        let promiseDescription = "Promise \(promiseName)"
        guard promise.spec.hasAPI, let api = promise.spec.api else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api",
                                message: "a resource workflow needs the Promise's API, and it has none")
        }
        guard let spec = api["spec"]?.objectValue else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api.spec", message: "missing")
        }
        guard let group = spec["group"]?.stringValue, !group.isEmpty else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api.spec.group", message: "missing")
        }
        guard let kind = spec["names"]?["kind"]?.stringValue, !kind.isEmpty else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api.spec.names.kind", message: "missing")
        }
        guard let plural = spec["names"]?["plural"]?.stringValue, !plural.isEmpty else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api.spec.names.plural", message: "missing")
        }
        let versions = spec["versions"]?.arrayValue ?? []
        let storage = versions.first { $0["storage"]?.boolValue == true } ?? versions.first
        guard let version = storage?["name"]?.stringValue, !version.isEmpty else {
            throw WorkflowError(.invalidPromise, object: promiseDescription, field: "spec.api.spec.versions", message: "no version")
        }
        return ResourceAPI(group: group, version: version, kind: kind, plural: plural)
    }
}
