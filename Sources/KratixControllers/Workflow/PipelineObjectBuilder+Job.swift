import KratixAPI
import KubeModel

/// The Job of a pipeline run, with the exact pod layout existing pipeline images depend on (§4.6):
/// reader, the user's containers and (configure only) the work-writer as init containers, then the
/// status-writer as the one main container.
extension PipelineObjectBuilder {
    /// Container and volume names and mount paths. Pipeline images rely on the paths.
    enum Layout {
        static let promiseSchedulingVolume = "promise-scheduling"
        static let inputVolume = "shared-input"
        static let outputVolume = "shared-output"
        static let metadataVolume = "shared-metadata"
        static let inputPath = "/kratix/input"
        static let outputPath = "/kratix/output"
        static let metadataPath = "/kratix/metadata"
        static let workCreatorRoot = "/work-creator-files"
        static let readerName = "reader"
        static let workWriterName = "work-writer"
        static let statusWriterName = "status-writer"
    }

    /// The Job's labels (identical on the Pod template): Kratix's, then the Pipeline's on top.
    func jobLabels() -> [String: String] {
        var labels: [String: String] = [
            KratixLabels.promiseName: run.promiseName,
            KratixLabels.workflowType: run.workflowType.rawValue,
            KratixLabels.workflowAction: run.action.rawValue,
            KratixLabels.pipelineName: run.pipelineName,
            KratixLabels.managedBy: KratixLabels.managedByValue,
            KratixLabels.hash: hash,
        ]
        if run.workflowType == .resource {
            labels[KratixLabels.resourceName] = run.objectName
            if run.configuredPipelineNamespace != nil {
                labels[KratixLabels.resourceNamespace] = run.objectNamespace
            }
        }
        for (key, value) in run.pipeline.metadata.labels ?? [:] { labels[key] = value }
        return labels
    }

    /// `kratix-<promise>[-<request>][-<request namespace>]-<pipeline>` plus the suffix.
    func jobName(suffix: String) -> String {
        var base = "kratix-\(run.promiseName)"
        if run.workflowType == .resource {
            base += "-\(run.objectName)"
            if run.configuredPipelineNamespace != nil { base += "-\(run.objectNamespace)" }
        }
        base += "-\(run.pipelineName)"
        return KratixObjectName.random(base, suffix: suffix)
    }

    func job(nameSuffix: String) -> KubeObject {
        let labels = Self.labels(jobLabels())
        let objectAnnotations = run.object.annotations

        var annotations: [String: String] = [
            KratixAnnotations.jobResourceNamespace: run.objectNamespace,
            KratixAnnotations.jobResourceName: run.objectName,
            KratixAnnotations.jobResourceKind: identity.kind,
            KratixAnnotations.jobResourceAPIVersion: GroupVersion(group: identity.group, version: identity.version).apiVersion,
        ]
        var podAnnotations = run.pipeline.metadata.annotations ?? [:]
        for key in [KratixAnnotations.traceParent, KratixAnnotations.traceState] {
            if let value = objectAnnotations[key] {
                annotations[key] = value
                podAnnotations[key] = value
            }
        }

        var metadata: JSONObject = [
            "name": .string(jobName(suffix: nameSuffix)),
            "namespace": .string(run.namespace),
            "labels": labels,
            "annotations": Self.labels(annotations),
        ]
        if let owner = ownerReference() { metadata["ownerReferences"] = [owner] }

        var templateMetadata: JSONObject = ["labels": labels]
        if !podAnnotations.isEmpty { templateMetadata["annotations"] = Self.labels(podAnnotations) }

        var spec = JSONObject()
        if let backoffLimit = run.pipeline.spec.jobOptions?.backoffLimit ?? run.configuration.workflows.defaultBackoffLimit {
            spec["backoffLimit"] = .int(Int64(backoffLimit))
        }
        spec["template"] = ["metadata": .object(templateMetadata), "spec": .object(podSpec())]

        return KubeObject([
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": .object(metadata),
            "spec": .object(spec),
        ])
    }

    /// Promise workflows: a controller reference to the Promise. Resource workflows: a plain owner
    /// reference to the request, and none when the Job runs in another namespace (owner references
    /// cannot cross namespaces). Omitted when the owner has no uid yet.
    func ownerReference() -> JSONValue? {
        switch run.workflowType {
        case .promise:
            guard let uid = run.object.uid ?? run.promise.metadata.uid else { return nil }
            return [
                "apiVersion": .string(KratixGroup.apiVersion), "kind": .string(Promise.apiKind),
                "name": .string(run.promiseName), "uid": .string(uid),
                "controller": true, "blockOwnerDeletion": true,
            ]
        case .resource:
            guard let uid = run.object.uid, run.namespace == run.objectNamespace else { return nil }
            return [
                "apiVersion": .string(run.object.apiVersion ?? GroupVersion(group: identity.group, version: identity.version).apiVersion),
                "kind": .string(run.object.kind ?? identity.kind),
                "name": .string(run.objectName), "uid": .string(uid),
            ]
        }
    }

    func podSpec() -> JSONObject {
        let spec = run.pipeline.spec
        var pod = JSONObject()
        pod["serviceAccountName"] = .string(run.serviceAccountName)
        let restartPolicy = spec.restartPolicy ?? ""
        pod["restartPolicy"] = .string(restartPolicy.isEmpty ? "OnFailure" : restartPolicy)
        if let nodeSelector = spec.nodeSelector, !nodeSelector.isEmpty { pod["nodeSelector"] = Self.labels(nodeSelector) }
        if let tolerations = spec.tolerations, !tolerations.isEmpty { pod["tolerations"] = .array(tolerations) }
        var pullSecrets: [JSONValue] = []
        if let secret = run.configuration.pipelineAdapter.pullSecret { pullSecrets.append(["name": .string(secret)]) }
        pullSecrets += spec.imagePullSecrets ?? []
        if !pullSecrets.isEmpty { pod["imagePullSecrets"] = .array(pullSecrets) }

        var initContainers = [readerContainer()]
        initContainers += (spec.containers ?? []).map(userContainer)
        if run.action == .configure { initContainers.append(workWriterContainer()) }
        pod["initContainers"] = .array(initContainers)
        pod["containers"] = [statusWriterContainer()]
        pod["volumes"] = .array(volumes())
        return pod
    }

    func volumes() -> [JSONValue] {
        var out: [JSONValue] = []
        if run.action == .configure {
            out.append([
                "name": .string(Layout.promiseSchedulingVolume),
                "configMap": [
                    "name": .string(Self.schedulingConfigMapName(promise: run.promiseName)),
                    "items": [["key": "destinationSelectors", "path": .string(Layout.promiseSchedulingVolume)]],
                ],
            ])
        }
        for name in [Layout.inputVolume, Layout.outputVolume, Layout.metadataVolume] {
            out.append(["name": .string(name), "emptyDir": [:]])
        }
        out += run.pipeline.spec.volumes ?? []
        return out
    }

    /// §4.6.1, in this order. `KRATIX_DRY_RUN` only appears for dry-run requests.
    func standardEnvironment() -> [JSONValue] {
        var pairs: [(String, String)] = [
            ("KRATIX_WORKFLOW_ACTION", run.action.rawValue),
            ("KRATIX_WORKFLOW_TYPE", run.workflowType.rawValue),
            ("KRATIX_PROMISE_NAME", run.promiseName),
            ("KRATIX_PIPELINE_NAME", run.pipelineName),
            ("KRATIX_OBJECT_KIND", identity.kind),
            ("KRATIX_OBJECT_GROUP", identity.group),
            ("KRATIX_OBJECT_VERSION", identity.version),
            ("KRATIX_OBJECT_NAME", run.objectName),
            ("KRATIX_OBJECT_NAMESPACE", run.objectNamespace),
            ("KRATIX_CRD_PLURAL", identity.plural),
            ("KRATIX_CLUSTER_SCOPED", identity.clusterScoped ? "true" : "false"),
        ]
        if run.dryRun && run.workflowType == .resource { pairs.append(("KRATIX_DRY_RUN", "true")) }
        return pairs.map { ["name": .string($0.0), "value": .string($0.1)] }
    }

    static func mount(_ volume: String, _ path: String, readOnly: Bool = false) -> JSONValue {
        var o: JSONObject = ["name": .string(volume), "mountPath": .string(path)]
        if readOnly { o["readOnly"] = true }
        return .object(o)
    }

    /// The hardened securityContext of Kratix's own containers.
    static let kratixSecurityContext: JSONValue = [
        "allowPrivilegeEscalation": false,
        "capabilities": ["drop": ["ALL"]],
        "privileged": false,
        "runAsNonRoot": true,
        "seccompProfile": ["type": "RuntimeDefault"],
    ]

    private func kratixContainer(name: String, args: [String], env: [JSONValue], mounts: [JSONValue]) -> JSONValue {
        var c: JSONObject = [
            "name": .string(name),
            "image": .string(run.configuration.pipelineAdapter.image),
            "command": [.string(PipelineAdapterImage.command)],
            "args": Self.strings(args),
        ]
        if !env.isEmpty { c["env"] = .array(env) }
        c["volumeMounts"] = .array(mounts)
        if let policy = run.configuration.workflows.defaultImagePullPolicy { c["imagePullPolicy"] = .string(policy) }
        c["securityContext"] = Self.kratixSecurityContext
        c["resources"] = run.configuration.workflows.defaultContainerResources
        return .object(c)
    }

    func readerContainer() -> JSONValue {
        kratixContainer(name: Layout.readerName, args: ["reader"], env: standardEnvironment(), mounts: [
            Self.mount(Layout.inputVolume, Layout.inputPath),
            Self.mount(Layout.outputVolume, Layout.outputPath),
        ])
    }

    func userContainer(_ container: PipelineContainer) -> JSONValue {
        var c = JSONObject()
        c["name"] = .string(container.name ?? "")
        c["image"] = .string(container.image ?? "")
        if let command = container.command { c["command"] = Self.strings(command) }
        if let args = container.args { c["args"] = Self.strings(args) }
        c["env"] = .array(standardEnvironment() + (container.env ?? []))
        if let envFrom = container.envFrom, !envFrom.isEmpty { c["envFrom"] = .array(envFrom) }
        c["volumeMounts"] = .array([
            Self.mount(Layout.inputVolume, Layout.inputPath, readOnly: true),
            Self.mount(Layout.outputVolume, Layout.outputPath),
            Self.mount(Layout.metadataVolume, Layout.metadataPath),
        ] + (container.volumeMounts ?? []))
        if let policy = container.imagePullPolicy ?? run.configuration.workflows.defaultImagePullPolicy, !policy.isEmpty {
            c["imagePullPolicy"] = .string(policy)
        }
        if let securityContext = container.securityContext ?? run.configuration.workflows.defaultContainerSecurityContext {
            c["securityContext"] = securityContext
        }
        c["resources"] = container.resources ?? run.configuration.workflows.defaultContainerResources
        return .object(c)
    }

    /// The arguments of `work-creator` (§4.6): `--resource-namespace` only with a pipeline namespace.
    func workCreatorArguments() -> [String] {
        var args = [
            "work-creator",
            "--input-directory", Layout.workCreatorRoot,
            "--promise-name", run.promiseName,
            "--pipeline-name", run.pipelineName,
            "--namespace", run.namespace,
            "--workflow-type", run.workflowType.rawValue,
        ]
        if run.workflowType == .resource {
            args += ["--resource-name", run.objectName]
            if run.configuredPipelineNamespace != nil { args += ["--resource-namespace", run.objectNamespace] }
        }
        return args
    }

    func workWriterContainer() -> JSONValue {
        var env: [JSONValue] = [
            Self.fieldEnv("KRATIX_TRACE_PARENT", "metadata.annotations['\(KratixAnnotations.traceParent)']"),
            Self.fieldEnv("KRATIX_TRACE_STATE", "metadata.annotations['\(KratixAnnotations.traceState)']"),
        ]
        if run.dryRun && run.workflowType == .resource { env.append(["name": "KRATIX_DRY_RUN", "value": "true"]) }
        return kratixContainer(name: Layout.workWriterName, args: workCreatorArguments(), env: env, mounts: [
            Self.mount(Layout.outputVolume, "\(Layout.workCreatorRoot)/input"),
            Self.mount(Layout.metadataVolume, "\(Layout.workCreatorRoot)/metadata"),
            Self.mount(Layout.promiseSchedulingVolume, "\(Layout.workCreatorRoot)/kratix-system"),
        ])
    }

    func statusWriterContainer() -> JSONValue {
        let env: [JSONValue] = [["name": "IS_LAST_PIPELINE", "value": .string(run.isLastPipeline ? "true" : "false")]]
            + standardEnvironment()
        return kratixContainer(name: Layout.statusWriterName, args: ["update-status"], env: env, mounts: [
            Self.mount(Layout.metadataVolume, "\(Layout.workCreatorRoot)/metadata"),
        ])
    }

    static func fieldEnv(_ name: String, _ path: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(path)]]]
    }
}
