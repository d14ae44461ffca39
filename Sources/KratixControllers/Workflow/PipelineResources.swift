import KratixAPI
import KubeModel

/// Every object one pipeline run needs (§4), built from a ``PipelineRun`` without IO.
///
/// Objects are `KubeObject`s so they can be sent as they are; ``objects`` lists them in the order
/// upstream applies them (§4.8), which matters because the Job refers to all the others.
public struct PipelineResources: Sendable {
    public var pipelineName: String
    public var pipelineID: String
    /// Where the Job, the ServiceAccount and the namespaced default RBAC live.
    public var namespace: String
    public var workflowType: WorkflowType
    public var action: WorkflowAction
    public var serviceAccount: KubeObject
    /// The promise-scheduling ConfigMap (configure workflows only).
    public var configMap: KubeObject?
    public var roles: [KubeObject]
    public var roleBindings: [KubeObject]
    public var clusterRoles: [KubeObject]
    public var clusterRoleBindings: [KubeObject]
    public var job: KubeObject
    /// Where the engine looks for this workflow's Jobs: all namespaces (`nil`) for promise workflows
    /// without a pipeline namespace, else the pipeline namespace (§5 inputs).
    public var jobListNamespace: String?
    /// The labels of every Job of the object's workflows of this type (§5.2 step 1).
    public var workflowJobSelector: [String: String]
    /// The same with the legacy `kratix.io/work-type` key, to find Jobs of older Kratix versions.
    public var legacyWorkflowJobSelector: [String: String]
    /// Where and by which labels the object's Works are found for cleanup (§5.7).
    public var workNamespace: String
    public var workSelector: [String: String]

    /// The labels that identify this pipeline's Jobs (those of the freshly built Job).
    public var jobLabels: [String: String] { job.labels }

    /// Everything but the Job, in apply order.
    public var supportingObjects: [KubeObject] {
        [serviceAccount] + (configMap.map { [$0] } ?? []) + roles + roleBindings + clusterRoles + clusterRoleBindings
    }

    /// Every object, in apply order: ServiceAccount, ConfigMap, Roles, RoleBindings, ClusterRoles,
    /// ClusterRoleBindings, Job.
    public var objects: [KubeObject] { supportingObjects + [job] }

    /// The RBAC objects made from `rbac.permissions`: the only ones stale-RBAC removal may delete.
    public var userPermissionObjects: [KubeObject] {
        (roles + roleBindings + clusterRoles + clusterRoleBindings).filter {
            $0.labels[KratixLabels.pipelineName] != nil
        }
    }

    /// Builds every object for `run`. The Job gets a fresh random name suffix unless one is given.
    public static func build(for run: PipelineRun, jobNameSuffix: String? = nil) throws(WorkflowError) -> PipelineResources {
        let builder = try PipelineObjectBuilder(run: run)
        let rbac = builder.rbac()
        return PipelineResources(
            pipelineName: run.pipelineName,
            pipelineID: run.pipelineID,
            namespace: run.namespace,
            workflowType: run.workflowType,
            action: run.action,
            serviceAccount: builder.serviceAccount(),
            configMap: run.action == .configure ? builder.schedulingConfigMap() : nil,
            roles: rbac.roles,
            roleBindings: rbac.roleBindings,
            clusterRoles: rbac.clusterRoles,
            clusterRoleBindings: rbac.clusterRoleBindings,
            job: builder.job(nameSuffix: jobNameSuffix ?? KratixObjectName.randomSuffix()),
            jobListNamespace: run.workflowType == .promise ? run.configuredPipelineNamespace : run.namespace,
            workflowJobSelector: builder.workflowJobSelector(legacy: false),
            legacyWorkflowJobSelector: builder.workflowJobSelector(legacy: true),
            workNamespace: run.workflowType == .promise ? KratixGroup.systemNamespace : run.objectNamespace,
            workSelector: builder.workSelector())
    }

    /// Every pipeline of a workflow, in order.
    public static func build(for runs: [PipelineRun]) throws(WorkflowError) -> [PipelineResources] {
        var out: [PipelineResources] = []
        for run in runs { out.append(try build(for: run)) }
        return out
    }
}
