import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// What the Promise controller asks of the process that hosts it: start or stop the per-Promise
/// resource-request controller (§7.6). `KratixPlatform` implements it on a `Manager`.
public protocol ResourceControllers: Sendable {
    func start(promise: String, api: PromiseAPI) async
    func stop(promise: String) async
}

/// The Promise controller (§7): the API's CRD, dependencies, the promise configure and delete
/// workflows, the resource-request controller, status and conditions, and deletion in upstream's
/// order.
public struct PromiseReconciler: Sendable {
    public let client: KubeClient
    /// Where Promises, CRDs, RBAC, Works and requests are read: the informer caches in the manager.
    public let reader: any ObjectReader
    public let engine: WorkflowEngine
    public let events: EventRecorder
    public let configuration: KratixConfiguration
    public let resourceControllers: any ResourceControllers
    public let dependencies: StaticDependencyWorkWriter
    public var now: @Sendable () -> Date = { Date() }
    let resource = Promise.groupVersionResource

    public init(client: KubeClient, engine: WorkflowEngine, events: EventRecorder, configuration: KratixConfiguration,
                resourceControllers: any ResourceControllers, reader: (any ObjectReader)? = nil) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.engine = engine
        self.events = events
        self.configuration = configuration
        self.resourceControllers = resourceControllers
        self.dependencies = StaticDependencyWorkWriter(client: client, reader: self.reader)
    }

    /// The finalizers a Promise should carry (§1.4, in upstream's order).
    static func finalizers(for promise: Promise) -> [String] {
        var out: [String] = []
        if promise.spec.hasAPI {
            out += [KratixFinalizers.resourceRequestCleanup, KratixFinalizers.dynamicControllerDependantResourcesCleanup,
                    KratixFinalizers.apiCRDCleanup]
        }
        out += [KratixFinalizers.dependenciesCleanup, KratixFinalizers.workflowsCleanup]
        if !((try? promise.spec.pipelines(.promise, .delete)) ?? []).isEmpty { out.append(KratixFinalizers.deleteWorkflows) }
        out.append(KratixFinalizers.revisionCleanup)
        return out
    }

    static let allFinalizers = [
        KratixFinalizers.resourceRequestCleanup, KratixFinalizers.dynamicControllerDependantResourcesCleanup,
        KratixFinalizers.apiCRDCleanup, KratixFinalizers.dependenciesCleanup, KratixFinalizers.workflowsCleanup,
        KratixFinalizers.deleteWorkflows, KratixFinalizers.revisionCleanup,
    ]

    /// Reconciles the Promise with this key, read through `reader`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let found: KubeObject?
        do {
            found = try await reader.get(resource, name: key.name, namespace: nil)
        } catch {
            return .requeueAfter(.seconds(15))
        }
        guard let object = found else { return .done }
        return try await reconcile(object)
    }

    public func reconcile(_ object: KubeObject) async throws -> ReconcileAction {
        var object = object
        let key = ObjectKey(object)
        let promise: Promise
        do {
            promise = try Promise(from: object.value)
        } catch {
            return try await reject(object, PromiseError(promise: key.name, field: error.field, message: error.message))
        }
        let periodic = PeriodicReconciliation(configuration, promise: promise)

        // 3. Paused.
        if object.labels[KratixLabels.paused] == "true" {
            var status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
            var changed = status.setCondition("Available", .false, reason: "PausedReconciliation", message: "Paused", now: now())
            changed = status.setCondition("Reconciled", .unknown, reason: "PausedReconciliation", message: "Paused", now: now()) || changed
            if status.json["status"]?.stringValue != "Unavailable" { status.json["status"] = "Unavailable"; changed = true }
            if changed {
                object.status = status.value
                _ = try await writeStatus(object)
                await events.record(object, type: .warning, reason: "PausedReconciliation",
                                    message: "'kratix.io/paused' label set to 'true' for promise; pausing reconciliation")
            }
            return .done
        }

        // 4. Deletion.
        if object.deletionTimestamp != nil { return try await delete(object, promise: promise) }

        // Bad input is reported once on the object, and nothing else changes.
        let api: PromiseAPI?
        let configurePipelines: [PipelineResources]
        do {
            api = try PromiseAPI.make(for: promise)
            configurePipelines = try PipelineResources.build(for: PipelineRun.all(
                promise: promise, workflowType: .promise, action: .configure, object: object, configuration: configuration))
            _ = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: object, configuration: configuration)
        } catch let error as PromiseError {
            return try await reject(object, error)
        } catch let error as WorkflowError {
            return try await reject(object, PromiseError(promise: key.name, field: error.field, message: error.message))
        }

        // 5. Finalizers.
        let wanted = Self.finalizers(for: promise)
        if object.finalizers.contains(KratixFinalizers.deleteWorkflows) && !wanted.contains(KratixFinalizers.deleteWorkflows) {
            object = try await Finalizers.remove([KratixFinalizers.deleteWorkflows], from: object, resource: resource, client: client) ?? object
        }
        object = try await Finalizers.add(wanted, to: object, resource: resource, client: client)

        // 6. Version.
        var status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
        let wasAvailable = status.json["status"]?.stringValue == "Available"
        if let version = object.labels[KratixLabels.promiseVersion], status.json["version"]?.stringValue != version {
            status.json["version"] = .string(version)
            status.setKratixField("version", .string(version))
            object.status = status.value
            _ = try await writeStatus(object)
            return .done
        }

        // 8. Requirements. Unmet ones stop the pass only when their statuses change: the CRD is still
        // installed and the request controller started (step 11), so requests are accepted as Pending.
        var requirementsMet = true
        if let requirements = try await checkRequirements(promise, &status) {
            if !requirements {
                status.setCondition("Reconciled", .unknown, reason: "RequirementsNotFulfilled", message: "Pending", now: now())
                status.json["status"] = "Unavailable"
                status.setKratixField("status", "Unavailable")
                status.setCondition("Available", .false, reason: "PromiseUnavailable", message: "Cannot fulfil resource requests", now: now())
            }
            if status.value != object.status {
                object.status = status.value
                _ = try await writeStatus(object)
                if wasAvailable && !requirements {
                    await events.record(object, type: .warning, reason: "Unavailable", message: "Promise no longer available: Requirements have changed")
                }
                return .done
            }
            requirementsMet = requirements
        }

        // 9. The API's CRD and the controller's permissions on it.
        if let api {
            switch try await ensureCRD(api, promise: promise) {
            case .ready: break
            case .wait: return .requeueAfter(.seconds(5))
            }
            if status.json["kind"]?.stringValue != api.kind || status.json["apiVersion"]?.stringValue != api.apiVersion.lowercased() {
                status.json["kind"] = .string(api.kind)
                status.json["apiVersion"] = .string(api.apiVersion.lowercased())
                status.setKratixField("kind", .string(api.kind))
                status.setKratixField("apiVersion", .string(api.apiVersion.lowercased()))
                object.status = status.value
                _ = try await writeStatus(object)
                return .requeueAfter(.seconds(5))
            }
            try await ensureControllerRBAC(api, promise: promise.name)
        }

        // 10. Dependencies and the promise configure workflow.
        _ = try await dependencies.sync(promise, now: now())
        if configurePipelines.isEmpty {
            var changed = false
            for counter in ["workflows", "workflowsSucceeded", "workflowsFailed"] where status.json[counter] != .int(0) {
                status.json[counter] = .int(0)
                changed = true
            }
            if !status.pipelines.isEmpty { status.removePipelines(); changed = true }
            if changed {
                object.status = status.value
                _ = try await writeStatus(object)
                return .done
            }
        } else {
            let names = configurePipelines.map(\.pipelineName)
            if status.counter("workflows") != Int64(names.count) || status.pipelines.map({ $0["name"]?.stringValue ?? "" }) != names {
                status.setCounter("workflows", Int64(names.count))
                status.resetPipelines(to: names, now: now())
                object.status = status.value
                _ = try await writeStatus(object)
                return .done
            }
            // Periodic reconciliation (§9): a finished (or, with reconcileAfterFailure, failed)
            // workflow older than the interval runs again from its first pipeline.
            if periodic.isDue(status, now: now()),
               object.labels[KratixLabels.manualReconciliation] != "true", object.labels[KratixLabels.runFromStart] != "true" {
                _ = try await client.patch(resource, name: key.name,
                                           .merge(["metadata": ["labels": .object([KratixLabels.manualReconciliation: "true"])]]))
                return .done
            }
            // 7. While the workflow runs the Promise is not available (upstream quirk, kept).
            var outcome = try await engine.reconcileConfigure(object: object, resource: resource, pipelines: configurePipelines,
                                                              numberOfJobsToKeep: configuration.numberOfJobsToKeep)
            // While the engine only updates its own bookkeeping, plan again at once.
            for _ in 0..<ResourceRequestReconciler.maximumEngineRounds where outcome.continuesAtOnce {
                object = try await engine.writeStatus(outcome, resource: resource)
                outcome = try await engine.reconcileConfigure(object: object, resource: resource, pipelines: configurePipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
            }
            var written = outcome
            // (A suspended workflow already says why: Available False / WorkflowSuspended, §5.9.)
            if outcome.state != .completed && outcome.state != .suspended {
                var unavailable = WorkflowStatusDocument(outcome.object.status, conditionStyle: .metav1)
                unavailable.json["status"] = "Unavailable"
                unavailable.setKratixField("status", "Unavailable")
                unavailable.setCondition("Available", .false, reason: "PromiseUnavailable", message: "Cannot fulfil resource requests", now: now())
                if unavailable.value != outcome.object.status {
                    written.object.status = unavailable.value
                    written.statusChanged = true
                }
            }
            if written.statusChanged { written.object = Self.withCounters(written.object) }
            object = try await engine.writeStatus(written, resource: resource)
            switch outcome.state {
            case .completed: if written.statusChanged { return .done }
            case .failed:
                return configuration.workflows.reconcileAfterFailure ? .requeueAfter(periodic.interval) : .done
            default:
                if outcome.continuesAtOnce { return .requeue }
                return outcome.action == .done && written.statusChanged ? .done : outcome.action
            }
            status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
        }

        // 11. The resource-request controller, and re-running every request after a spec change.
        if let api {
            await resourceControllers.start(promise: promise.name, api: api)
            if !requirementsMet { return .requeueAfter(.seconds(60)) }
            let generation = object.generation ?? 1
            let reconcileAll = object.labels[KratixLabels.reconcileResources] == "true"
            if reconcileAll || (status.json["observedGeneration"]?.intValue != generation && generation != 1) {
                let requests = try await reader.list(api.resource, namespace: nil, labels: [:])
                for request in requests {
                    _ = try await client.patch(api.resource, name: request.name ?? "", namespace: request.namespace,
                                               .merge(["metadata": ["labels": .object([KratixLabels.runFromStart: "true"])]]))
                }
                await events.record(object, type: .normal, reason: "ReconcilingResources", message: "Reconciling all resource requests")
                if reconcileAll {
                    _ = try await client.patch(resource, name: key.name, .merge(["metadata": ["labels": .object([KratixLabels.reconcileResources: .null])]]))
                    return .done
                }
            }
            // The generation is recorded now: left for a later write, every pass would label the
            // requests again and they would restart without end.
            if status.json["observedGeneration"]?.intValue != generation {
                status.json["observedGeneration"] = .int(generation)
                object.status = status.value
                _ = try await writeStatus(object)
                return .done
            }
        }

        // 12. Available.
        let before = status
        if status.json["status"]?.stringValue != "Available" {
            let time = JSONValue.string(Timestamp.format(now()))
            status.json["status"] = "Available"
            status.setKratixField("status", "Available")
            status.json["lastAvailableTime"] = time
            status.setKratixField("lastAvailableTime", time)
            status.setCondition("Available", .true, reason: "PromiseAvailable", message: "Ready to fulfil resource requests", now: now())
            object.status = status.value
            _ = try await writeStatus(object)
            await events.record(object, type: .normal, reason: "Available", message: "Promise is available")
            return .done
        }

        // 13. Steady state: Works, Reconciled, counters.
        let works = try await reader.list(Work.groupVersionResource, namespace: nil, labels: [
            KratixLabels.promiseName: promise.name, KratixLabels.workType: "promise",
        ])
        let worksCondition = WorksSummary(works).condition(subject: "promise", separator: " ")
        status.setCondition("WorksSucceeded", worksCondition.0, reason: worksCondition.1, message: worksCondition.2, now: now())
        let configure = status.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)
        var reconciledNow = false
        if let reconciled = ReconciledRule.evaluate(configure: configure, works: worksCondition) {
            reconciledNow = status.setCondition("Reconciled", reconciled.0, reason: reconciled.1, message: reconciled.2, now: now())
                && reconciled.0 == .true
        }
        if !configurePipelines.isEmpty {
            status.setCounter("workflowsSucceeded", configure?.status == .true ? Int64(configurePipelines.count) : 0)
            status.setCounter("workflowsFailed", 0)
        }
        if status != before {
            object.status = status.value
            _ = try await writeStatus(object)
            if reconciledNow { await events.record(object, type: .normal, reason: "ReconcileSucceeded", message: "Successfully reconciled") }
            return .done
        }
        return .requeueAfter(periodic.interval)
    }

    /// The Promise CRD requires the three counters in every status (upstream writes them as 0).
    static func withCounters(_ object: KubeObject) -> KubeObject {
        var object = object
        var status = object.status?.objectValue ?? [:]
        for counter in ["workflows", "workflowsSucceeded", "workflowsFailed"] where status[counter] == nil { status[counter] = .int(0) }
        object.status = .object(status)
        return object
    }

    func writeStatus(_ object: KubeObject) async throws -> KubeObject {
        try await client.updateStatus(resource, Self.withCounters(object))
    }

    /// Reports a Promise that cannot be served (condition + Warning event) and waits for a change.
    func reject(_ object: KubeObject, _ error: PromiseError) async throws -> ReconcileAction {
        var object = object
        var status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
        let message = (error.field.map { "\($0): " } ?? "") + error.message
        if status.setCondition("Available", .false, reason: "InvalidPromise", message: message, now: now()) {
            status.json["status"] = "Unavailable"
            object.status = status.value
            _ = try await writeStatus(object)
            await events.record(object, type: .warning, reason: "InvalidPromise", message: message)
        }
        return .done
    }

    // MARK: Requirements (§7.4)

    /// `nil` when the Promise has no requirements; otherwise whether all are installed (status updated in place).
    func checkRequirements(_ promise: Promise, _ status: inout WorkflowStatusDocument) async throws -> Bool? {
        let required = promise.spec.requiredPromises ?? []
        if required.isEmpty && (status.json["requiredPromises"]?.arrayValue ?? []).isEmpty { return nil }
        var entries: [JSONValue] = []
        var condition: (Condition.Status, String, String) = (.true, "RequirementsInstalled", "Requirements fulfilled")
        for requirement in required {
            let name = requirement.name ?? ""
            let state: String
            do {
                if let other = try await reader.get(resource, name: name, namespace: nil) {
                    try await recordRequiredBy(on: other, dependent: promise, requiredVersion: requirement.version)
                    if other.status?["status"]?.stringValue == "Available" {
                        state = "Requirement installed"
                    } else {
                        state = "Requirement not available"
                        condition = (.false, "RequirementsNotAvailable", "Requirements not fulfilled")
                    }
                } else {
                    state = "Requirement not installed"
                    condition = (.false, "RequirementsNotInstalled", "Requirements not fulfilled")
                }
            } catch {
                state = "Requirement state unknown"
                condition = (.false, "RequirementsNotInstalled", "Unable to determine if requirements are fulfilled")
            }
            var entry: JSONObject = ["name": .string(name), "state": .string(state)]
            if let version = requirement.version { entry["version"] = .string(version) }
            entries.append(.object(entry))
        }
        status.json["requiredPromises"] = .array(entries)
        if status.setCondition("RequirementsFulfilled", condition.0, reason: condition.1, message: condition.2, now: now()) {
            // Events are recorded by the caller's write; keep them here for the reason strings.
        }
        return condition.0 == .true
    }

    /// Writes or refreshes this Promise's `requiredBy` entry on a Promise it requires (§7.4), so
    /// operators see from either side what depends on what.
    func recordRequiredBy(on required: KubeObject, dependent: Promise, requiredVersion: String?) async throws {
        let entry: JSONValue = [
            "promise": ["name": .string(dependent.name), "version": .string(dependent.version)],
            "requiredVersion": .string(requiredVersion ?? ""),
        ]
        var entries = required.status?["requiredBy"]?.arrayValue ?? []
        if let index = entries.firstIndex(where: { $0[path: ["promise", "name"]]?.stringValue == dependent.name }) {
            guard entries[index] != entry else { return }
            entries[index] = entry
        } else {
            entries.append(entry)
        }
        _ = try await client.patch(resource, name: required.name ?? "", .merge(["status": ["requiredBy": .array(entries)]]), subresource: "status")
    }

    // MARK: The CRD (§7.2 step 9)

    enum CRDState { case ready, wait }

    func ensureCRD(_ api: PromiseAPI, promise: Promise) async throws -> CRDState {
        guard var existing = try await reader.get(.customResourceDefinitions, name: api.crdName, namespace: nil) else {
            _ = try await client.create(.customResourceDefinitions, api.crd)
            return .wait
        }
        var desired = existing
        for key in ["versions", "conversion", "preserveUnknownFields"] {
            desired.json["spec"]?[key] = api.crd.json["spec"]?[key]
        }
        var labels = existing.labels
        for (k, v) in api.crd.labels { labels[k] = v }
        desired.json["metadata"]?["labels"] = .object(JSONObject(uniqueKeysWithValues: labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        if desired != existing {
            existing = try await client.update(.customResourceDefinitions, desired)
        }
        let established = (existing.status?["conditions"]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
        }
        return established ? .ready : .wait
    }

    func ensureControllerRBAC(_ api: PromiseAPI, promise: String) async throws {
        let name = "\(promise)-promise-controller"
        let labels: JSONValue = .object([KratixLabels.promiseName: .string(promise)])
        var role = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: name)
        role.json["metadata"]?["labels"] = labels
        role.json["rules"] = [
            ["apiGroups": [.string(api.group)], "resources": [.string(api.plural)], "verbs": ["*"]],
            ["apiGroups": [.string(api.group)], "resources": [.string("\(api.plural)/finalizers")], "verbs": ["update"]],
            ["apiGroups": [.string(api.group)], "resources": [.string("\(api.plural)/status")], "verbs": ["get", "update", "patch"]],
        ]
        var binding = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: name)
        binding.json["metadata"]?["labels"] = labels
        binding.json["roleRef"] = ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(name)]
        binding.json["subjects"] = [["kind": "ServiceAccount", "name": .string(KratixGroup.controllerServiceAccount),
                                     "namespace": .string(KratixGroup.systemNamespace)]]
        for (gvr, object) in [(GroupVersionResource.clusterRoles, role), (.clusterRoleBindings, binding)] {
            if var existing = try await reader.get(gvr, name: name, namespace: nil) {
                let key = object.kind == "ClusterRole" ? "rules" : "subjects"
                if existing.json[key] != object.json[key] || existing.labels[KratixLabels.promiseName] != promise {
                    existing.json[key] = object.json[key]
                    if key == "subjects" { existing.json["roleRef"] = object.json["roleRef"] }
                    existing.json["metadata"]?["labels"] = labels
                    _ = try await client.update(gvr, existing)
                }
            } else {
                _ = try await client.create(gvr, object)
            }
        }
    }

    // MARK: Deletion (§7.8)

    func delete(_ object: KubeObject, promise: Promise) async throws -> ReconcileAction {
        var object = object
        let finalizers = object.finalizers
        guard Self.allFinalizers.contains(where: finalizers.contains) else { return .done }
        let name = promise.name

        if finalizers.contains(KratixFinalizers.deleteWorkflows) {
            if let api = try? PromiseAPI.make(for: promise) {
                let running = try await client.listAll(.jobs, options: ListOptions(labelSelector: WorkflowEngine.selectorString([
                    KratixLabels.promiseName: name, KratixLabels.workflowType: "resource", KratixLabels.workflowAction: "configure",
                ]))).items.filter { WorkflowJob($0).isRunning }
                _ = api
                if !running.isEmpty { return .requeueAfter(.seconds(15)) }
            }
            let pipelines = try PipelineResources.build(for: PipelineRun.all(
                promise: promise, workflowType: .promise, action: .delete, object: object, configuration: configuration))
            let outcome = try await engine.reconcileDelete(object: object, resource: resource, pipelines: pipelines)
            object = try await engine.writeStatus(outcome, resource: resource)
            if let failure = WorkflowEngine.deleteFailure(outcome) {
                await events.record(object, type: .warning, reason: "Failed Pipeline", message: "The Delete Pipeline has failed")
                throw failure
            }
            switch outcome.state {
            case .completed, .noPipelines:
                _ = try await Finalizers.remove([KratixFinalizers.deleteWorkflows], from: object, resource: resource, client: client)
                return .requeueAfter(.seconds(5))
            default:
                return outcome.action == .done ? .requeueAfter(.seconds(15)) : outcome.action
            }
        }

        if finalizers.contains(KratixFinalizers.workflowsCleanup) {
            for typeLabel in [KratixLabels.workflowType, KratixLabels.workType] {
                let jobs = try await client.listAll(.jobs, options: ListOptions(labelSelector: WorkflowEngine.selectorString([
                    KratixLabels.promiseName: name, typeLabel: "promise",
                ])))
                for job in jobs.items { try await client.deleteIfPresent(.jobs, name: job.name ?? "", namespace: job.namespace) }
            }
            _ = try await Finalizers.remove([KratixFinalizers.workflowsCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        let api = try? PromiseAPI.make(for: promise)
        if finalizers.contains(KratixFinalizers.resourceRequestCleanup) {
            if let api, try await client.getOptional(.customResourceDefinitions, name: api.crdName) != nil {
                await resourceControllers.start(promise: name, api: api)
                let requests = try await client.listAll(api.resource).items
                if !requests.isEmpty {
                    for request in requests where request.deletionTimestamp == nil {
                        try await client.deleteIfPresent(api.resource, name: request.name ?? "", namespace: request.namespace)
                    }
                    return .requeueAfter(.seconds(5))
                }
            }
            _ = try await Finalizers.remove([KratixFinalizers.resourceRequestCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.revisionCleanup) {
            _ = try await Finalizers.remove([KratixFinalizers.revisionCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        await resourceControllers.stop(promise: name)

        if finalizers.contains(KratixFinalizers.dynamicControllerDependantResourcesCleanup) {
            let selector = ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(name)")
            var found = false
            for gvr in [GroupVersionResource.clusterRoleBindings, .clusterRoles, .roleBindings, .roles, .serviceAccounts, .configMaps] {
                for item in try await client.listAll(gvr, options: selector).items {
                    found = true
                    try await client.deleteIfPresent(gvr, name: item.name ?? "", namespace: item.namespace)
                }
            }
            if found { return .requeueAfter(.seconds(5)) }
            _ = try await Finalizers.remove([KratixFinalizers.dynamicControllerDependantResourcesCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.dependenciesCleanup) {
            let works = try await client.listAll(Work.groupVersionResource, options: ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(name)"))
            if !works.items.isEmpty {
                for work in works.items where work.deletionTimestamp == nil {
                    try await client.deleteIfPresent(Work.groupVersionResource, name: work.name ?? "", namespace: work.namespace)
                }
                return .requeueAfter(.seconds(5))
            }
            _ = try await Finalizers.remove([KratixFinalizers.dependenciesCleanup], from: object, resource: resource, client: client)
            return .requeueAfter(.seconds(5))
        }

        if finalizers.contains(KratixFinalizers.apiCRDCleanup) {
            if let api, try await client.getOptional(.customResourceDefinitions, name: api.crdName) != nil {
                try await client.deleteIfPresent(.customResourceDefinitions, name: api.crdName)
                return .requeueAfter(.seconds(5))
            }
            _ = try await Finalizers.remove([KratixFinalizers.apiCRDCleanup], from: object, resource: resource, client: client)
        }
        return .done
    }
}

extension WorkflowStatusDocument {
    /// Sets `status.kratix.<key>` (Kratix mirrors several top-level status fields there).
    mutating func setKratixField(_ key: String, _ value: JSONValue) {
        var kratix = json["kratix"]?.objectValue ?? [:]
        kratix[key] = value
        json["kratix"] = .object(kratix)
    }
}
