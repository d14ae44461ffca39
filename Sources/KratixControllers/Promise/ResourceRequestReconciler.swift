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
    /// Where the request, its Promise, Works and Jobs are read: the informer caches in the manager.
    public let reader: any ObjectReader
    public let engine: WorkflowEngine
    public let events: EventRecorder
    public let configuration: KratixConfiguration
    public var now: @Sendable () -> Date = { Date() }
    let decodedPromises = DecodedPromiseCache()

    public init(promiseName: String, api: PromiseAPI, client: KubeClient, engine: WorkflowEngine, events: EventRecorder,
                configuration: KratixConfiguration, reader: (any ObjectReader)? = nil) {
        self.promiseName = promiseName
        self.api = api
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.engine = engine
        self.events = events
        self.configuration = configuration
    }

    static let finalizers = [
        KratixFinalizers.workCleanup, KratixFinalizers.workflowsCleanup, KratixFinalizers.deleteWorkflows,
        KratixFinalizers.resourceBindingCleanup,
    ]

    /// Reconciles the request with this key, read through `reader`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let found: KubeObject?
        do {
            found = try await reader.get(api.resource, name: key.name, namespace: key.namespace)
        } catch {
            return .requeueAfter(.seconds(15))
        }
        guard let request = found else { return .done }
        return try await reconcile(request)
    }

    /// One pass over a request (§8.1): each step either finishes the pass or hands the next one the
    /// object as last written, so a new request gets its label, finalizers, status and first Job in
    /// one pass rather than one pass per write. Status changes of a pass are written once, at its end.
    public func reconcile(_ request: KubeObject) async throws -> ReconcileAction {
        try await ReconcileTrace.run("\(promiseName)/DynamicResourceRequestReconcile", object: request, resource: api.resource,
                                     client: client) { request in try await pass(request) }
    }

    private func pass(_ request: KubeObject) async throws -> ReconcileAction {
        guard let promiseObject = try await reader.get(Promise.groupVersionResource, name: promiseName, namespace: nil) else { return .done }
        var request = request
        let key = ObjectKey(request)

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

        // 3. The promise-name label, with the finalizers (step 9) in the same write when they are due too.
        // A new request's binding (step 10) depends on neither write, so it is made beside them:
        // only when this pass will get that far (the latest revision, which a new request runs
        // with, is there), as a failed lookup (step 4) must leave nothing else done.
        var newBinding: KubeObject?
        if request.labels[KratixLabels.promiseName] != promiseName {
            let finalizers = request.deletionTimestamp == nil && servingBlock(promiseObject) == nil ? Self.finalizers : []
            if !finalizers.isEmpty, (request.status?["promiseVersion"]?.stringValue ?? "").isEmpty,
               try await binding(of: request) == nil, (try? await revisions.latestRevision()) != nil {
                var labelled = request
                labelled.labels[KratixLabels.promiseName] = promiseName
                async let created = ensureBinding(for: labelled, existing: nil)
                request = try await Finalizers.add(finalizers, to: request, resource: api.resource, client: client,
                                                   labels: [KratixLabels.promiseName: promiseName])
                newBinding = try await created
            } else {
                request = try await Finalizers.add(finalizers, to: request, resource: api.resource, client: client,
                                                   labels: [KratixLabels.promiseName: promiseName])
            }
        }

        // 4. The revision this pass runs with: its spec stands in for the Promise's from here on.
        let choice = try await chooseRevision(for: request)
        let promise = try decodedPromises.promise(live: promiseObject, revision: choice.revision) { try choice.promise(from: promiseObject) }
        let pipelineNamespace = promise.spec.workflows?.config?.pipelineNamespace
        if request.deletionTimestamp != nil {
            return try await delete(request, promise: promise, pipelineNamespace: pipelineNamespace)
        }

        // 7–8. Whether the Promise can serve requests.
        var status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        let marked = status.condition("PromiseAvailable")?.status == .false
        if let block = servingBlock(promiseObject) {
            if marked, status.condition("PromiseAvailable")?.reason == block.reason { return .requeueAfter(.seconds(60)) }
            status.message = "Pending"
            status.setCondition("PromiseAvailable", .false, reason: block.reason, message: block.message, now: now())
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            return .done
        }
        if marked {
            status.setCondition("PromiseAvailable", .true, reason: "PromiseAvailable", message: "Promise Requirements are met", now: now())
            request.status = status.value
            request = try await client.updateStatus(api.resource, request)
        }

        // 9. Finalizers.
        request = try await Finalizers.add(Self.finalizers, to: request, resource: api.resource, client: client)

        // 10. The request's ResourceBinding.
        let binding = try await ensureBinding(for: request, existing: choice.binding ?? newBinding)
        let bindingVersion = binding.spec?["version"]?.stringValue ?? BindingUpgradeStatus.latest

        // 11. A Promise being deleted runs no configure workflows.
        if promiseObject.deletionTimestamp != nil { return .done }
        // A preview whose label went: its Works go and the real workflow runs again (§2.6).
        // (Looked at again shortly: the Works' deletions may not have reached the cache yet.)
        if try await removeStalePreview(request) { return .requeueAfter(.seconds(1)) }

        // 12. Periodic reconciliation.
        status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        let periodic = PeriodicReconciliation(configuration, promise: promise)
        if periodic.isDue(status, now: now()), request.labels[KratixLabels.manualReconciliation] != "true", request.labels[KratixLabels.runFromStart] != "true" {
            request = try await client.patch(api.resource, name: key.name, namespace: key.namespace,
                                             .merge(["metadata": ["labels": .object([KratixLabels.manualReconciliation: "true"])]]))
        }

        // 14. The pipeline list in status (written together with the engine's status below).
        let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: request,
                                       configuration: configuration, dryRun: isDryRun(request))
        let pipelines = try PipelineResources.build(for: runs)
        let names = pipelines.map(\.pipelineName)
        var pipelinesReset = false
        if status.counter("workflows") != Int64(names.count) || status.pipelines.map({ $0["name"]?.stringValue ?? "" }) != names {
            status.setCounter("workflows", Int64(names.count))
            if names.isEmpty {
                status.removePipelines()
            } else {
                status.resetPipelines(to: names, now: now())
            }
            request.status = status.value
            pipelinesReset = true
        }

        // 16. The workflow engine, again at once while it only brought its bookkeeping up to date
        // (planning on the status in hand: the planner reads status and Jobs, not the version).
        var statusChanged = pipelinesReset
        var outcome = try await engine.reconcileConfigure(object: request, resource: api.resource, pipelines: pipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
        for _ in 0..<Self.maximumEngineRounds where outcome.continuesAtOnce {
            statusChanged = statusChanged || outcome.statusChanged
            request = outcome.object
            outcome = try await engine.reconcileConfigure(object: request, resource: api.resource, pipelines: pipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
        }
        statusChanged = statusChanged || outcome.statusChanged
        request = outcome.object
        switch outcome.state {
        case .completed, .noPipelines:
            break
        case .failed:
            if statusChanged { _ = try await client.updateStatus(api.resource, request) }
            let applied = request.status?["promiseVersion"]?.stringValue ?? ""
            let message = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
                .condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)?.message ?? ""
            try await updateBindingStatus(binding) { $0.workflowFailed(attempted: choice.version, applied: applied, message: message, now: now()) }
            return configuration.workflows.reconcileAfterFailure ? .requeueAfter(periodic.interval) : .done
        default:
            if statusChanged { _ = try await client.updateStatus(api.resource, request) }
            let configure = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
                .condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)
            if configure?.status == .false, configure?.reason == WorkflowPlanner.Conditions.pipelinesInProgress {
                try await updateBindingStatus(binding) { $0.workflowRunning(attempted: choice.version, now: now()) }
            }
            return outcome.continuesAtOnce ? .requeue : outcome.action
        }

        // 17. Completion: observedGeneration, Works, Reconciled, counters, last success time — one
        // write with the engine's changes.
        status = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        let before = status
        let generation = request.generation ?? 0
        if status.json["observedGeneration"]?.intValue != generation { status.json["observedGeneration"] = .int(generation) }
        let versionEvents = setVersions(&status, version: choice.version, bindingVersion: bindingVersion)
        if names.isEmpty {
            status.setCounter("workflowsSucceeded", 0)
            status.setCounter("workflowsFailed", 0)
            // The binding's status follows from this pass alone, so both writes go out at once.
            let now = now()
            async let bindingWritten: Void = updateBindingStatus(binding) { $0.workflowSucceeded(applied: choice.version, attempted: "", now: now) }
            if statusChanged || status != before {
                request.status = status.value
                _ = try await client.updateStatus(api.resource, request)
                for event in versionEvents { await events.record(request, type: .normal, reason: event.reason, message: event.message) }
            }
            try await bindingWritten
            return .requeueAfter(periodic.interval)
        }
        let works = try await worksOf(request, pipelineNamespace: pipelineNamespace)
        let worksCondition = WorksSummary(works).condition(subject: "resource", separator: ",")
        status.setCondition("WorksSucceeded", worksCondition.0, reason: worksCondition.1, message: worksCondition.2, now: now())
        let configure = status.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)
        var reconciledNow = false
        if var reconciled = ReconciledRule.evaluate(configure: configure, works: worksCondition) {
            // A dry run says what it was (revisions spec §2.3).
            if reconciled.0 == .true, isDryRun(request) { reconciled = (.true, "DryRunSucceeded", "Dry run completed") }
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
        // The binding's status follows from this pass alone, so it is written beside the request's.
        // (Status-only writes of a binding start no binding-controller pass, which is what compares
        // the request's promiseVersion with the binding's; see KratixPlatform's binding filter.)
        let succeededNow = configure?.status == .true && configure?.reason == "PipelinesExecutedSuccessfully"
        let writtenAt = now()
        async let bindingWritten: Void = succeededNow
            ? updateBindingStatus(binding) { $0.workflowSucceeded(applied: choice.version, attempted: choice.version, now: writtenAt) } : ()
        if statusChanged || status != before {
            request.status = status.value
            _ = try await client.updateStatus(api.resource, request)
            for event in versionEvents { await events.record(request, type: .normal, reason: event.reason, message: event.message) }
            if reconciledNow { await events.record(request, type: .normal, reason: "ReconcileSucceeded", message: "Successfully reconciled") }
        }
        try await writeLabelOnlySummary(request, worksSucceeded: worksCondition.0 == .true)
        try await bindingWritten
        return .requeueAfter(periodic.interval)
    }

    /// §1.8: `status.promiseVersion` (the revision used) and `status.resourceBindingVersion` (what
    /// the binding asks for); the events to record once the status carrying them is written.
    func setVersions(_ status: inout WorkflowStatusDocument, version: String, bindingVersion: String) -> [(reason: String, message: String)] {
        var out: [(reason: String, message: String)] = []
        if status.json["promiseVersion"]?.stringValue != version {
            status.json["promiseVersion"] = .string(version)
            out.append(("ReconcileSucceeded", "Resource request reconciled with promise \(promiseName) version \(version)"))
        }
        if status.json["resourceBindingVersion"]?.stringValue != bindingVersion {
            status.json["resourceBindingVersion"] = .string(bindingVersion)
            out.append(("ResourceBindingVersionUpdated", "Resource binding version updated to \(bindingVersion)"))
        }
        return out
    }

    /// A request whose workflows run as a preview (revisions spec §2): labelled `kratix.io/dry-run`
    /// while the `dryRun` feature flag is on (the label means nothing without it).
    func isDryRun(_ request: KubeObject) -> Bool {
        configuration.dryRunEnabled && request.labels[KratixLabels.dryRun] == "true"
    }

    /// How many times one pass runs the engine while it only updates its own bookkeeping.
    static let maximumEngineRounds = 4

    /// Why the Promise cannot serve requests now, or nil when it can: its requirements are unmet
    /// (§8.1 step 7), or its configure workflow failed. (Upstream leaves the requests of a Promise
    /// whose workflow failed without any status; here they say why they wait.) A Promise marked
    /// unavailable only because its own workflow is running still serves.
    func servingBlock(_ promise: KubeObject) -> (reason: String, message: String)? {
        let conditions = promise.status?["conditions"]?.arrayValue ?? []
        func has(_ type: String, _ status: String, reason: String? = nil) -> Bool {
            conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == status
                && (reason == nil || $0["reason"]?.stringValue == reason) }
        }
        if has("RequirementsFulfilled", "False") {
            return ("PromiseRequirementsNotInstalled", "Promise Requirements are not installed")
        }
        if has("ConfigureWorkflowCompleted", "False", reason: WorkflowPlanner.Conditions.configureWorkflowFailed) {
            return ("PromiseConfigureWorkflowFailed", "The Promise's configure workflow failed; requests wait until it succeeds")
        }
        return nil
    }

    func worksOf(_ request: KubeObject, pipelineNamespace: String?) async throws -> [KubeObject] {
        var selector = [
            KratixLabels.promiseName: promiseName, KratixLabels.workType: "resource",
            KratixLabels.resourceName: request.name ?? "",
        ]
        if pipelineNamespace != nil { selector[KratixLabels.resourceNamespace] = request.namespace ?? "" }
        return try await reader.list(Work.groupVersionResource, namespace: request.namespace, labels: selector)
            .filter { $0.labels["kratix.io/dry-run-summary"] == nil }
    }

    // MARK: Deletion (§8.4)

    /// Removes one finalizer and goes on with the next deletion step in the same pass.
    private func next(removing finalizer: String, from request: KubeObject, promise: Promise, pipelineNamespace: String?) async throws -> ReconcileAction {
        guard let remaining = try await Finalizers.remove([finalizer], from: request, resource: api.resource, client: client) else { return .done }
        return try await delete(remaining, promise: promise, pipelineNamespace: pipelineNamespace)
    }

    func delete(_ request: KubeObject, promise: Promise, pipelineNamespace: String?) async throws -> ReconcileAction {
        var request = request
        let present = Self.finalizers.filter { request.finalizers.contains($0) }
        guard !present.isEmpty else { return .done }
        let namespace = pipelineNamespace ?? request.namespace
        let name = request.name ?? ""

        if request.finalizers.contains(KratixFinalizers.deleteWorkflows) {
            let runs = try PipelineRun.all(promise: promise, workflowType: .resource, action: .delete, object: request,
                                           configuration: configuration, dryRun: isDryRun(request))
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
                return try await next(removing: KratixFinalizers.deleteWorkflows, from: request, promise: promise, pipelineNamespace: pipelineNamespace)
            default:
                return outcome.action == .done ? .requeueAfter(.seconds(15)) : outcome.action
            }
        }

        if request.finalizers.contains(KratixFinalizers.workCleanup) {
            let works = try await reader.list(Work.groupVersionResource, namespace: namespace,
                                              labels: [KratixLabels.promiseName: promiseName, KratixLabels.resourceName: name])
            if works.isEmpty {
                return try await next(removing: KratixFinalizers.workCleanup, from: request, promise: promise, pipelineNamespace: pipelineNamespace)
            }
            for work in works where work.deletionTimestamp == nil {
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
            return try await next(removing: KratixFinalizers.workflowsCleanup, from: request, promise: promise, pipelineNamespace: pipelineNamespace)
        }

        // The request's bindings go last (they name the version its delete workflow ran with).
        try await removeBindings(of: request)
        return try await next(removing: KratixFinalizers.resourceBindingCleanup, from: request, promise: promise, pipelineNamespace: pipelineNamespace)
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
