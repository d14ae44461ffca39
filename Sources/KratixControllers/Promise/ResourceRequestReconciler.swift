import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// The per-Promise controller of resource requests (§8): runs the configure workflow on create,
/// update and Promise change, the delete workflow before the finalizers go, and keeps the
/// request's status (§8.2).
public struct ResourceRequestReconciler: Sendable {
    public let promiseName: String
    public let api: PromiseAPI
    public let client: KubeClient
    public let engine: WorkflowEngine
    public let events: EventRecorder
    public let configuration: KratixConfiguration
    public var now: @Sendable () -> Date = { Date() }

    public init(promiseName: String, api: PromiseAPI, client: KubeClient, engine: WorkflowEngine, events: EventRecorder,
                configuration: KratixConfiguration) {
        self.promiseName = promiseName
        self.api = api
        self.client = client
        self.engine = engine
        self.events = events
        self.configuration = configuration
    }

    static let finalizers = [
        KratixFinalizers.workCleanup, KratixFinalizers.workflowsCleanup, KratixFinalizers.deleteWorkflows,
        KratixFinalizers.resourceBindingCleanup,
    ]

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let promiseObject = try await client.getIfPresent(Promise.groupVersionResource, name: promiseName) else { return .done }
        let promise = try Promise(from: promiseObject.value)
        let found: KubeObject?
        do {
            found = try await client.getIfPresent(api.resource, name: key.name, namespace: key.namespace)
        } catch {
            return .requeueAfter(.seconds(15))
        }
        guard var request = found else { return .done }

        // 2. Paused (the Promise or the request).
        if promiseObject.labels[KratixLabels.paused] == "true" || request.labels[KratixLabels.paused] == "true" {
            var status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
            if status.setCondition("Reconciled", .unknown, reason: "PausedReconciliation", message: "Paused", now: now()) {
                request.status = status.value
                _ = try await client.updateStatus(api.resource, request)
                await events.record(request, type: .warning, reason: "PausedReconciliation",
                                    message: "'kratix.io/paused' label set to 'true' for resource; pausing reconciliation")
            }
            return .done
        }

        // 3. The promise-name label.
        if request.labels[KratixLabels.promiseName] != promiseName {
            _ = try await client.patch(api.resource, name: key.name, namespace: key.namespace,
                                       .merge(["metadata": ["labels": .object([KratixLabels.promiseName: .string(promiseName)])]]))
            return .done
        }

        let pipelineNamespace = promise.spec.workflows?.config?.pipelineNamespace
        if request.deletionTimestamp != nil {
            return try await delete(request, promise: promise, pipelineNamespace: pipelineNamespace)
        }

        // 7–8. Whether the Promise can serve requests.
        var status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        let marked = status.condition("PromiseAvailable")?.status == .false
        if !canServe(promiseObject) {
            if marked { return .requeueAfter(.seconds(60)) }
            status.message = "Pending"
            status.setCondition("PromiseAvailable", .false, reason: "PromiseRequirementsNotInstalled",
                                message: "Promise Requirements are not installed", now: now())
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            return .done
        }
        if marked {
            status.setCondition("PromiseAvailable", .true, reason: "PromiseAvailable", message: "Promise Requirements are met", now: now())
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            return .done
        }

        // 9. Finalizers.
        let missing = Self.finalizers.filter { !request.finalizers.contains($0) }
        if !missing.isEmpty {
            var all = request.finalizers
            all.append(contentsOf: missing)
            let written = await client.succeeds {
                _ = try await client.patch(api.resource, name: key.name, namespace: key.namespace, .merge([
                    "metadata": ["finalizers": .array(all.map(JSONValue.string)), "resourceVersion": .string(request.resourceVersion ?? "")],
                ]))
            }
            return written ? .done : .requeueAfter(.seconds(5))
        }

        // 11. A Promise being deleted runs no configure workflows.
        if promiseObject.deletionTimestamp != nil { return .done }

        // 12. Periodic reconciliation.
        let periodic = PeriodicReconciliation(configuration, promise: promise)
        if periodic.isDue(status, now: now()), request.labels[KratixLabels.manualReconciliation] != "true", request.labels[KratixLabels.runFromStart] != "true" {
            _ = try await client.patch(api.resource, name: key.name, namespace: key.namespace,
                                       .merge(["metadata": ["labels": .object([KratixLabels.manualReconciliation: "true"])]]))
            return .done
        }

        // 14. The pipeline list in status.
        let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: request,
                                       configuration: configuration)
        let pipelines = try PipelineResources.build(for: runs)
        let names = pipelines.map(\.pipelineName)
        if status.counter("workflows") != Int64(names.count) || status.pipelines.map({ $0["name"]?.stringValue ?? "" }) != names {
            status.setCounter("workflows", Int64(names.count))
            if names.isEmpty {
                status.removePipelines()
            } else {
                status.resetPipelines(to: names, now: now())
            }
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            return .done
        }

        // 16. The workflow engine.
        let outcome = try await engine.reconcileConfigure(object: request, resource: api.resource, pipelines: pipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
        request = try await engine.writeStatus(outcome, resource: api.resource)
        switch outcome.state {
        case .completed, .noPipelines:
            break
        case .failed:
            return configuration.workflows.reconcileAfterFailure ? .requeueAfter(periodic.interval) : .done
        default:
            return outcome.action
        }
        if outcome.statusChanged { return .done }

        // 17. Completion: observedGeneration, Works, Reconciled, counters, last success time.
        status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        let generation = request.generation ?? 0
        if status.json["observedGeneration"]?.intValue != generation {
            status.json["observedGeneration"] = .int(generation)
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            return .done
        }
        let before = status
        if status.json["promiseVersion"]?.stringValue != promise.version { status.json["promiseVersion"] = .string(promise.version) }
        if names.isEmpty {
            status.setCounter("workflowsSucceeded", 0)
            status.setCounter("workflowsFailed", 0)
            if status != before {
                request.status = status.value
                _ = try await client.updateStatus(api.resource, request)
            }
            return .requeueAfter(periodic.interval)
        }
        let works = try await worksOf(request, pipelineNamespace: pipelineNamespace)
        let worksCondition = WorksSummary(works).condition(subject: "resource", separator: ",")
        status.setCondition("WorksSucceeded", worksCondition.0, reason: worksCondition.1, message: worksCondition.2, now: now())
        let configure = status.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)
        var reconciledNow = false
        if let reconciled = ReconciledRule.evaluate(configure: configure, works: worksCondition) {
            reconciledNow = status.setCondition("Reconciled", reconciled.0, reason: reconciled.1, message: reconciled.2, now: now())
                && reconciled.0 == .true
        }
        let succeeded = configure?.status == .true ? Int64(names.count) : 0
        status.setCounter("workflowsSucceeded", succeeded)
        if status.counter("workflowsFailed") == nil { status.setCounter("workflowsFailed", 0) }
        if status.message == "Pending" || status.message == nil { status.message = "Resource requested" }
        if configure?.status == .true, configure?.reason == "PipelinesExecutedSuccessfully", let time = configure?.lastTransitionTime {
            status.json["lastSuccessfulConfigureWorkflowTime"] = .string(time)
            status.setLastSuccessfulConfigureWorkflowTime(time)
        }
        if status != before {
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            if reconciledNow { await events.record(request, type: .normal, reason: "ReconcileSucceeded", message: "Successfully reconciled") }
            return .done
        }
        return .requeueAfter(periodic.interval)
    }

    /// The Promise serves requests unless its requirements are unmet or it is marked unavailable
    /// for a reason other than its own workflow running.
    func canServe(_ promise: KubeObject) -> Bool {
        let conditions = promise.status?["conditions"]?.arrayValue ?? []
        if conditions.contains(where: { $0["type"]?.stringValue == "RequirementsFulfilled" && $0["status"]?.stringValue == "False" }) {
            return false
        }
        return true
    }

    func worksOf(_ request: KubeObject, pipelineNamespace: String?) async throws -> [KubeObject] {
        var selector = [
            KratixLabels.promiseName: promiseName, KratixLabels.workType: "resource",
            KratixLabels.resourceName: request.name ?? "",
        ]
        if pipelineNamespace != nil { selector[KratixLabels.resourceNamespace] = request.namespace ?? "" }
        let list = try await client.listAll(Work.groupVersionResource, namespace: request.namespace,
                                            options: ListOptions(labelSelector: WorkflowEngine.selectorString(selector)))
        return list.items.filter { $0.labels["kratix.io/dry-run-summary"] == nil }
    }

    // MARK: Deletion (§8.4)

    func delete(_ request: KubeObject, promise: Promise, pipelineNamespace: String?) async throws -> ReconcileAction {
        var request = request
        let present = Self.finalizers.filter { request.finalizers.contains($0) }
        guard !present.isEmpty else { return .done }
        let namespace = pipelineNamespace ?? request.namespace
        let name = request.name ?? ""

        if request.finalizers.contains(KratixFinalizers.deleteWorkflows) {
            let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .delete, object: request,
                                           configuration: configuration)
            let pipelines = try PipelineResources.build(for: runs)
            let outcome = try await engine.reconcileDelete(object: request, resource: api.resource, pipelines: pipelines)
            request = try await engine.writeStatus(outcome, resource: api.resource)
            if let failure = WorkflowEngine.deleteFailure(outcome) {
                var status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
                if status.setCondition(WorkflowPlanner.Conditions.deleteWorkflowCompleted, .false,
                                       reason: WorkflowPlanner.Conditions.deleteWorkflowFailed,
                                       message: WorkflowPlanner.Conditions.deleteWorkflowFailedMessage, now: now()) {
                    request.status = status.value
                    _ = try await client.updateStatus(api.resource, request)
                }
                await events.record(request, type: .warning, reason: "Failed Pipeline", message: "The Delete Pipeline has failed")
                throw failure
            }
            switch outcome.state {
            case .completed, .noPipelines:
                _ = try await Finalizers.remove([KratixFinalizers.deleteWorkflows], from: request, resource: api.resource, client: client)
                return .done
            default:
                return outcome.action == .done ? .requeueAfter(.seconds(15)) : outcome.action
            }
        }

        if request.finalizers.contains(KratixFinalizers.workCleanup) {
            let selector = WorkflowEngine.selectorString([KratixLabels.promiseName: promiseName, KratixLabels.resourceName: name])
            let works = try await client.listAll(Work.groupVersionResource, namespace: namespace, options: ListOptions(labelSelector: selector))
            if works.items.isEmpty {
                _ = try await Finalizers.remove([KratixFinalizers.workCleanup], from: request, resource: api.resource, client: client)
                return .done
            }
            for work in works.items {
                try await client.deleteIfPresent(Work.groupVersionResource, name: work.name ?? "", namespace: work.namespace)
            }
            return .requeueAfter(.seconds(5))
        }

        if request.finalizers.contains(KratixFinalizers.workflowsCleanup) {
            for typeLabel in [KratixLabels.workflowType, KratixLabels.workType] {
                let selector = WorkflowEngine.selectorString([
                    KratixLabels.promiseName: promiseName, KratixLabels.resourceName: name, typeLabel: "resource",
                ])
                try await client.deleteCollection(.jobs, namespace: namespace, listOptions: ListOptions(labelSelector: selector),
                                                  options: DeleteOptions(propagationPolicy: .background))
            }
            _ = try await Finalizers.remove([KratixFinalizers.workflowsCleanup], from: request, resource: api.resource, client: client)
            return .done
        }

        // ResourceBindings are not created by this build (PromiseRevision/ResourceBinding follow),
        // so nothing is left to wait for.
        _ = try await Finalizers.remove([KratixFinalizers.resourceBindingCleanup], from: request, resource: api.resource, client: client)
        return .done
    }
}

extension WorkflowStatusDocument {
    /// Removes `status.kratix.workflows.pipelines` (a request whose Promise has no configure pipelines).
    mutating func removePipelines() {
        guard var kratix = json["kratix"]?.objectValue, var workflows = kratix["workflows"]?.objectValue else { return }
        workflows["pipelines"] = nil
        kratix["workflows"] = .object(workflows)
        json["kratix"] = .object(kratix)
    }

    mutating func setLastSuccessfulConfigureWorkflowTime(_ time: String) {
        var kratix = json["kratix"]?.objectValue ?? [:]
        var workflows = kratix["workflows"]?.objectValue ?? [:]
        workflows["lastSuccessfulConfigureWorkflowTime"] = .string(time)
        kratix["workflows"] = .object(workflows)
        json["kratix"] = .object(kratix)
    }
}
