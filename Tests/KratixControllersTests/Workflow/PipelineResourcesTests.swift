import Foundation
import KratixAPI
import KubeModel
import Testing
@testable import KratixControllers
@testable import KratixPipelineAdapter

/// The objects of one pipeline run compared field by field with the spec's tables (§4).
@Suite struct PipelineResourcesTests {
    static let standardEnvNames = [
        "KRATIX_WORKFLOW_ACTION", "KRATIX_WORKFLOW_TYPE", "KRATIX_PROMISE_NAME", "KRATIX_PIPELINE_NAME", "KRATIX_OBJECT_KIND",
        "KRATIX_OBJECT_GROUP", "KRATIX_OBJECT_VERSION", "KRATIX_OBJECT_NAME", "KRATIX_OBJECT_NAMESPACE", "KRATIX_CRD_PLURAL",
        "KRATIX_CLUSTER_SCOPED",
    ]

    func resourceRuns(configuration: KratixConfiguration = KratixConfiguration(), action: WorkflowAction = .configure) throws -> [PipelineRun] {
        try PipelineRun.all(promise: WorkflowFixtures.corePromise(), workflowType: .resource, action: action,
                            object: WorkflowFixtures.coreRequest(), configuration: configuration)
    }

    func env(_ container: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        for entry in container?["env"]?.arrayValue ?? [] {
            if let name = entry["name"]?.stringValue { out[name] = entry["value"]?.stringValue }
        }
        return out
    }

    func mounts(_ container: JSONValue?) -> [String] {
        (container?["volumeMounts"]?.arrayValue ?? []).map {
            "\($0["name"]?.stringValue ?? "")@\($0["mountPath"]?.stringValue ?? "")\($0["readOnly"]?.boolValue == true ? ":ro" : "")"
        }
    }

    @Test func coreRequestJobHasTheSpecPodLayout() throws {
        let runs = try resourceRuns()
        #expect(runs.map(\.pipelineName) == ["resource-pipeline0", "resource-pipeline1"])
        let resources = try PipelineResources.build(for: runs[0], jobNameSuffix: "abcde")
        let job = resources.job

        // Metadata (§4.6).
        #expect(job.apiVersion == "batch/v1")
        #expect(job.kind == "Job")
        #expect(job.name == "kratix-testbundle-kratix-test-resource-pipeline0-abcde")
        #expect(job.namespace == "default")
        let expectedLabels = [
            "kratix.io/promise-name": "testbundle",
            "kratix.io/workflow-type": "resource",
            "kratix.io/workflow-action": "configure",
            "kratix.io/pipeline-name": "resource-pipeline0",
            "app.kubernetes.io/managed-by": "Kratix",
            "kratix.io/hash": runs[0].hash,
            "kratix.io/resource-name": "kratix-test",
        ]
        #expect(job.labels == expectedLabels)
        #expect(runs[0].hash.count == 32)
        #expect(job.annotations == [
            "kratix.io/job-resource-namespace": "default",
            "kratix.io/job-resource-name": "kratix-test",
            "kratix.io/job-resource-kind": "TestBundle",
            "kratix.io/job-resource-api-version": "test.kratix.io/v1alpha1",
        ])
        let owner = job[wf: "metadata", "ownerReferences", 0]
        #expect(owner?["kind"] == "TestBundle")
        #expect(owner?["apiVersion"] == "test.kratix.io/v1alpha1")
        #expect(owner?["name"] == "kratix-test")
        #expect(owner?["uid"] == "99999999-8888-7777-6666-555555555555")
        #expect(owner?["controller"] == nil)
        #expect(job[wf: "spec", "backoffLimit"] == nil)

        // Pod template.
        let template = job[wf: "spec", "template"]
        #expect(template?["metadata"]?["labels"] == PipelineObjectBuilder.labels(expectedLabels))
        let pod = template?["spec"]
        #expect(pod?["serviceAccountName"] == "testbundle-resource-configure-resource-pipeline0")
        #expect(pod?["restartPolicy"] == "OnFailure")
        #expect(pod?["securityContext"] == nil)
        #expect(pod?["imagePullSecrets"] == nil)
        #expect(pod?["initContainers"]?.wfNames == ["reader", "pipeline0", "work-writer"])
        #expect(pod?["containers"]?.wfNames == ["status-writer"])
        #expect(pod?["volumes"]?.wfNames == ["promise-scheduling", "shared-input", "shared-output", "shared-metadata"])
        #expect(pod?["volumes"]?[wf: 0]?["configMap"] == [
            "name": "destination-selectors-testbundle",
            "items": [["key": "destinationSelectors", "path": "promise-scheduling"]],
        ])
        for i in 1...3 { #expect(pod?["volumes"]?.arrayValue?[i]["emptyDir"] == [:]) }

        let reader = pod?["initContainers"]?.arrayValue?[0]
        let user = pod?["initContainers"]?.arrayValue?[1]
        let writer = pod?["initContainers"]?.arrayValue?[2]
        let status = pod?["containers"]?.arrayValue?[0]

        // Images and commands.
        for kratix in [reader, writer, status] {
            #expect(kratix?["image"] == .string(PipelineAdapterImage.defaultImage))
            #expect(kratix?["command"] == ["/bin/pipeline-adapter"])
            #expect(kratix?["securityContext"] == PipelineObjectBuilder.kratixSecurityContext)
            #expect(kratix?["resources"] == KratixConfiguration.builtInContainerResources)
            #expect(kratix?["imagePullPolicy"] == nil)
        }
        #expect(reader?["args"] == ["reader"])
        #expect(status?["args"] == ["update-status"])
        #expect(writer?["args"] == [
            "work-creator", "--input-directory", "/work-creator-files", "--promise-name", "testbundle",
            "--pipeline-name", "resource-pipeline0", "--namespace", "default", "--workflow-type", "resource",
            "--resource-name", "kratix-test",
        ])
        #expect(user?["image"] == "syntasso/test-bundle-image:v0.1.0")
        #expect(user?["command"] == ["resource-configure-0.sh"])
        #expect(user?["resources"] == KratixConfiguration.builtInContainerResources)
        #expect(user?["securityContext"] == nil)

        // Mounts.
        #expect(mounts(reader) == ["shared-input@/kratix/input", "shared-output@/kratix/output"])
        #expect(mounts(user) == ["shared-input@/kratix/input:ro", "shared-output@/kratix/output", "shared-metadata@/kratix/metadata"])
        #expect(mounts(writer) == [
            "shared-output@/work-creator-files/input", "shared-metadata@/work-creator-files/metadata",
            "promise-scheduling@/work-creator-files/kratix-system",
        ])
        #expect(mounts(status) == ["shared-metadata@/work-creator-files/metadata"])

        // Env names in order, and values.
        #expect(reader?["env"]?.wfNames == Self.standardEnvNames)
        #expect(user?["env"]?.wfNames == Self.standardEnvNames)
        #expect(status?["env"]?.wfNames == ["IS_LAST_PIPELINE"] + Self.standardEnvNames)
        #expect(writer?["env"]?.wfNames == ["KRATIX_TRACE_PARENT", "KRATIX_TRACE_STATE"])
        #expect(writer?["env"]?[wf: 0]?["valueFrom"]?["fieldRef"]?["fieldPath"] == "metadata.annotations['kratix.io/trace-parent']")
        #expect(env(status) == [
            "IS_LAST_PIPELINE": "false",
            "KRATIX_WORKFLOW_ACTION": "configure", "KRATIX_WORKFLOW_TYPE": "resource", "KRATIX_PROMISE_NAME": "testbundle",
            "KRATIX_PIPELINE_NAME": "resource-pipeline0", "KRATIX_OBJECT_KIND": "TestBundle", "KRATIX_OBJECT_GROUP": "test.kratix.io",
            "KRATIX_OBJECT_VERSION": "v1alpha1", "KRATIX_OBJECT_NAME": "kratix-test", "KRATIX_OBJECT_NAMESPACE": "default",
            "KRATIX_CRD_PLURAL": "testbundles", "KRATIX_CLUSTER_SCOPED": "false",
        ])

        // The last pipeline says so.
        let last = try PipelineResources.build(for: runs[1])
        #expect(env(last.job[wf: "spec", "template", "spec", "containers", 0])["IS_LAST_PIPELINE"] == "true")
        #expect(last.job.name?.hasPrefix("kratix-testbundle-kratix-test-resource-pipeline1-") == true)
        #expect(last.job.name?.count == "kratix-testbundle-kratix-test-resource-pipeline1-".count + 5)
    }

    @Test func resourceRequestSupportingObjects() throws {
        let resources = try PipelineResources.build(for: try resourceRuns()[0])
        #expect(resources.objects.map { $0.kind ?? "" } == ["ServiceAccount", "ConfigMap", "Role", "RoleBinding", "Job"])
        #expect(resources.serviceAccount.name == "testbundle-resource-configure-resource-pipeline0")
        #expect(resources.serviceAccount.namespace == "default")
        #expect(resources.serviceAccount.labels == ["kratix.io/promise-name": "testbundle"])
        let role = resources.roles[0]
        #expect(role.name == "testbundle-resource-configure-resource-pipeline0")
        #expect(role.json["rules"] == [
            ["verbs": ["get", "list", "update", "create", "patch"], "apiGroups": ["test.kratix.io"],
             "resources": ["testbundles", "testbundles/status"]],
            ["verbs": ["*"], "apiGroups": ["platform.kratix.io"], "resources": ["works"]],
        ])
        let binding = resources.roleBindings[0]
        #expect(binding.json["roleRef"] == ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "testbundle-resource-configure-resource-pipeline0"])
        #expect(binding.json["subjects"] == [["kind": "ServiceAccount", "name": "testbundle-resource-configure-resource-pipeline0", "namespace": "default"]])
        let configMap = try #require(resources.configMap)
        #expect(configMap.name == "destination-selectors-testbundle")
        #expect(configMap.json["data"]?["destinationSelectors"] == "- matchlabels:\n    environment: dev\n  source: promise\n")
        let parsed = try PromiseSchedulingEntry.parseList(configMap.json["data"]!["destinationSelectors"]!.stringValue!, file: "x")
        #expect(parsed == [PromiseSchedulingEntry(matchLabels: ["environment": "dev"], source: "promise")])
    }

    @Test func promiseConfigureJob() throws {
        let promise = try WorkflowFixtures.corePromise()
        let runs = try PipelineRun.all(promise: promise, workflowType: .promise, action: .configure,
                                       object: WorkflowFixtures.promiseObject(promise), configuration: KratixConfiguration())
        let resources = try PipelineResources.build(for: runs[0], jobNameSuffix: "x1y2z")
        let job = resources.job
        #expect(job.name == "kratix-testbundle-setup-deps-x1y2z")
        #expect(job.namespace == "kratix-platform-system")
        #expect(job.labels[KratixLabels.resourceName] == nil)
        #expect(job.labels[KratixLabels.hash] == KratixHash.specHash(of: try promise.toJSON()))
        #expect(job.annotations["kratix.io/job-resource-namespace"] == "")
        #expect(job.annotations["kratix.io/job-resource-kind"] == "Promise")
        #expect(job.annotations["kratix.io/job-resource-api-version"] == "platform.kratix.io/v1alpha1")
        #expect(job[wf: "metadata", "ownerReferences"] == [[
            "apiVersion": "platform.kratix.io/v1alpha1", "kind": "Promise", "name": "testbundle",
            "uid": "11111111-2222-3333-4444-555555555555", "controller": true, "blockOwnerDeletion": true,
        ]])
        let pod = job[wf: "spec", "template", "spec"]
        #expect(pod?["serviceAccountName"] == "testbundle-promise-configure-setup-deps")
        let status = pod?["containers"]?[wf: 0]
        #expect(env(status)["KRATIX_OBJECT_KIND"] == "Promise")
        #expect(env(status)["KRATIX_OBJECT_NAMESPACE"] == "")
        #expect(env(status)["KRATIX_CRD_PLURAL"] == "promises")
        #expect(env(status)["KRATIX_CLUSTER_SCOPED"] == "true")
        #expect(env(status)["IS_LAST_PIPELINE"] == "true")
        #expect(pod?["initContainers"]?[wf: 2]?["args"]?.arrayValue?.contains("--resource-name") == false)
        #expect(resources.clusterRoles.map(\.name) == ["testbundle-promise-configure-setup-deps"])
        #expect(resources.clusterRoles[0].json["rules"] == [[
            "verbs": ["get", "list", "update", "create", "patch"], "apiGroups": ["platform.kratix.io"],
            "resources": ["promises", "promises/status", "works"],
        ]])
        #expect(resources.clusterRoleBindings[0].json["roleRef"]?["kind"] == "ClusterRole")
        #expect(resources.roles.isEmpty)
    }

    @Test func deletePipelineHasNoWorkWriterAndNoSchedulingVolume() throws {
        var promise = try WorkflowFixtures.corePromise()
        let configure = promise.spec.workflows?.resource?.configure
        promise.spec.workflows?.resource?.delete = configure
        let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .delete,
                                       object: WorkflowFixtures.coreRequest(), configuration: KratixConfiguration())
        let resources = try PipelineResources.build(for: runs[0])
        let pod = resources.job[wf: "spec", "template", "spec"]
        #expect(pod?["initContainers"]?.wfNames == ["reader", "pipeline0"])
        #expect(pod?["containers"]?.wfNames == ["status-writer"])
        #expect(pod?["volumes"]?.wfNames == ["shared-input", "shared-output", "shared-metadata"])
        #expect(resources.configMap == nil)
        #expect(resources.job.labels[KratixLabels.workflowAction] == "delete")
        #expect(resources.serviceAccount.name == "testbundle-resource-delete-resource-pipeline0")
        // Delete pipelines still learn whether they are last (upstream quirk §13.3).
        #expect(env(pod?["containers"]?[wf: 0])["IS_LAST_PIPELINE"] == "false")
    }

    @Test func configurationAndPipelineOptionsReachTheJob() throws {
        var configuration = try KratixConfiguration(yaml: """
            workflows:
              jobOptions:
                defaultBackoffLimit: 4
              defaultImagePullPolicy: IfNotPresent
              defaultContainerSecurityContext:
                runAsNonRoot: true
              defaultContainerResources:
                limits: {cpu: "1"}
            """, environment: ["PIPELINE_ADAPTER_IMG": "example.org/adapter:1", "PIPELINE_ADAPTER_PULL_SECRET": "regcred"])
        configuration.workflows.defaultBackoffLimit = 4
        var promise = try WorkflowFixtures.corePromise()
        promise.spec.workflows?.config = WorkflowsConfig(pipelineNamespace: "pipelines")
        var pipeline = promise.spec.workflows!.resource!.configure![0].objectValue!
        var spec = pipeline["spec"]!.objectValue!
        spec["imagePullSecrets"] = [["name": "user-secret"]]
        spec["nodeSelector"] = ["disk": "ssd"]
        spec["restartPolicy"] = "Never"
        spec["volumes"] = [["name": "extra", "emptyDir": [:]]]
        pipeline["spec"] = .object(spec)
        pipeline["metadata"] = ["name": "resource-pipeline0", "labels": ["team": "db", "kratix.io/workflow-type": "custom"],
                                "annotations": ["note": "yes"]]
        promise.spec.workflows?.resource?.configure?[0] = .object(pipeline)

        var request = try WorkflowFixtures.coreRequest()
        request.annotations = ["kratix.io/trace-parent": "00-abc-def-01"]
        let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: request,
                                       configuration: configuration)
        let job = try PipelineResources.build(for: runs[0], jobNameSuffix: "aaaaa").job
        #expect(job.namespace == "pipelines")
        #expect(job.name == "kratix-testbundle-kratix-test-default-resource-pipeline0-aaaaa")
        #expect(job.labels["kratix.io/resource-namespace"] == "default")
        #expect(job.labels["team"] == "db")
        #expect(job.labels["kratix.io/workflow-type"] == "custom")  // the Pipeline's labels win
        #expect(job.annotations["kratix.io/trace-parent"] == "00-abc-def-01")
        #expect(job[wf: "metadata", "ownerReferences"] == nil)  // other namespace: no owner reference
        #expect(job[wf: "spec", "backoffLimit"] == 4)
        let template = job[wf: "spec", "template"]
        #expect(template?["metadata"]?["annotations"] == ["kratix.io/trace-parent": "00-abc-def-01", "note": "yes"])
        let pod = template?["spec"]
        #expect(pod?["restartPolicy"] == "Never")
        #expect(pod?["nodeSelector"] == ["disk": "ssd"])
        #expect(pod?["imagePullSecrets"] == [["name": "regcred"], ["name": "user-secret"]])
        #expect(pod?["volumes"]?.wfNames == ["promise-scheduling", "shared-input", "shared-output", "shared-metadata", "extra"])
        let user = pod?["initContainers"]?[wf: 1]
        #expect(user?["securityContext"] == ["runAsNonRoot": true])
        #expect(user?["imagePullPolicy"] == "IfNotPresent")
        #expect(user?["resources"] == ["limits": ["cpu": "1"]])
        let reader = pod?["initContainers"]?[wf: 0]
        #expect(reader?["image"] == "example.org/adapter:1")
        #expect(reader?["imagePullPolicy"] == "IfNotPresent")
        #expect(reader?["resources"] == ["limits": ["cpu": "1"]])
        #expect(pod?["initContainers"]?[wf: 2]?["args"]?.arrayValue?.suffix(4) == ["--resource-name", "kratix-test", "--resource-namespace", "default"])

        // RBAC across namespaces: the Role lives with the Job, a ClusterRole reaches the request.
        let resources = try PipelineResources.build(for: runs[0])
        #expect(resources.roles.map(\.namespace) == ["pipelines"])
        #expect(resources.clusterRoles.map(\.name) == ["testbundle-resource-configure-resource-pipeline0-default"])

        // A pipeline's backoffLimit wins over the configuration's.
        spec["jobOptions"] = ["backoffLimit": 1]
        pipeline["spec"] = .object(spec)
        promise.spec.workflows?.resource?.configure?[0] = .object(pipeline)
        let overridden = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: request,
                                             configuration: configuration)
        #expect(try PipelineResources.build(for: overridden[0]).job[wf: "spec", "backoffLimit"] == 1)
    }

    @Test func userPermissionsBecomeDeterministicRBAC() throws {
        let promise = try Promise(from: WorkflowFixtures.documents("kratix/system/assets/rbac/promise.yaml")[0])
        let runs = try PipelineRun.all(promise: promise, workflowType: .promise, action: .configure,
                                       object: WorkflowFixtures.promiseObject(promise), configuration: KratixConfiguration())
        let resources = try PipelineResources.build(for: runs[0])
        let id = "rbac-promise-promise-configure-rbac-pro"
        #expect(resources.roles.map(\.name) == [KratixObjectName.deterministic(id)])
        #expect(resources.roles[0].namespace == "kratix-platform-system")
        #expect(resources.roles[0].json["rules"] == [[
            "verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["rbac-promise-cm"],
        ]])
        #expect(resources.roles[0].labels == [
            "kratix.io/promise-name": "rbac-promise", "kratix.io/workflow-type": "promise", "kratix.io/workflow-action": "configure",
            "kratix.io/pipeline-name": "rbac-pro", "kratix.io/pipeline-namespace": "kratix-platform-system",
        ])
        let clusterRoleNames = resources.clusterRoles.map(\.name)
        #expect(clusterRoleNames == [id, KratixObjectName.deterministic("\(id)-default"),
                                     KratixObjectName.deterministic("\(id)-kratix-all-namespaces")])
        #expect(resources.clusterRoles[2].labels["kratix.io/resource-namespace"] == "kratix_all_namespaces")
        let bindingName = KratixObjectName.deterministic("\(id)-kratix-platform-system")
        let namespacedBinding = resources.roleBindings.first { $0.namespace == "default" }
        #expect(namespacedBinding?.name == bindingName)
        #expect(namespacedBinding?.json["roleRef"]?["kind"] == "ClusterRole")
        #expect(namespacedBinding?.json["roleRef"]?["name"] == .string(KratixObjectName.deterministic("\(id)-default")))
        #expect(resources.clusterRoleBindings.map(\.name) == [id, bindingName])
        #expect(resources.userPermissionObjects.count == 6)
        // Deterministic names: truncated ID, dash, five hex characters of its MD5.
        #expect(KratixObjectName.deterministic(id) == id + "-" + String(KratixHash.md5Hex(id).prefix(5)))
    }

    @Test func resourceWorkflowWithoutAPIIsAClearError() throws {
        var promise = try WorkflowFixtures.corePromise()
        promise.spec.api = nil
        let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure,
                                       object: WorkflowFixtures.coreRequest(), configuration: KratixConfiguration())
        #expect(throws: WorkflowError.self) { try PipelineResources.build(for: runs[0]) }
        do {
            _ = try PipelineResources.build(for: runs[0])
        } catch {
            #expect(error.field == "spec.api")
            #expect(error.description.contains("Promise testbundle"))
        }
    }
}
