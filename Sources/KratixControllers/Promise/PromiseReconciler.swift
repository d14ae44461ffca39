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
    public var logger = Logger(label: "kratix.controller.promise")
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

    /// One pass over a Promise (§7.2): a short list of named steps over its status. Each step either
    /// ends the pass with an action (usually after one status write, which brings the next pass)
    /// or hands the next step the Promise as it last wrote it.
    public func reconcile(_ object: KubeObject) async throws -> ReconcileAction {
        let key = ObjectKey(object)
        let promise: Promise
        do {
            promise = try Promise(from: object.value)
        } catch {
            return try await reject(object, PromiseError(promise: key.name, field: error.field, message: error.message))
        }
        // 3. Paused.
        if object.labels[KratixLabels.paused] == "true" { return try await pause(object) }
        // 4. Deletion.
        if object.deletionTimestamp != nil { return try await delete(object, promise: promise) }

        // Bad input is reported once on the object, and nothing else changes.
        var pass: PromisePass
        do {
            pass = try PromisePass(object, promise: promise, configuration: configuration)
        } catch let error as PromiseError {
            return try await reject(object, error)
        } catch let error as WorkflowError {
            return try await reject(object, PromiseError(promise: key.name, field: error.field, message: error.message))
        }

        if let action = try await ensureFinalizers(&pass) { return action }             // 5.
        if let action = try await recordVersion(&pass) { return action }                // 6.
        if let action = try await recordRevision(&pass) { return action }               // 6 (revision).
        if let action = try await checkRequirements(&pass) { return action }            // 8.
        if let action = try await installAPI(&pass) { return action }                   // 9.
        if let action = try await runConfigureWorkflow(&pass) { return action }         // 10, 7.
        if let action = try await startRequestController(&pass) { return action }       // 11.
        if let action = try await markAvailable(&pass) { return action }                // 12.
        return try await summarizeWorks(&pass)                                          // 13.
    }

    // MARK: Steps

    /// §7.2 step 3: a paused Promise says so and is not reconciled further.
    func pause(_ object: KubeObject) async throws -> ReconcileAction {
        var object = object
        var status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
        var changed = status.setCondition("Available", .false, reason: "PausedReconciliation", message: "Paused", now: now())
        changed = status.setCondition("Reconciled", .unknown, reason: "PausedReconciliation", message: "Paused", now: now()) || changed
        if status.availability != .unavailable {
            status.setAvailability(.unavailable, mirrored: false)
            changed = true
        }
        if changed {
            object.status = status.value
            _ = try await writeStatus(object)
            await events.record(object, type: .warning, reason: "PausedReconciliation",
                                message: "'kratix.io/paused' label set to 'true' for promise; pausing reconciliation")
        }
        return .done
    }

    /// Step 5: the finalizers this Promise needs, in upstream's order (the delete-workflow one goes
    /// when the delete workflow does).
    func ensureFinalizers(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        let wanted = Self.finalizers(for: pass.promise)
        if pass.object.finalizers.contains(KratixFinalizers.deleteWorkflows) && !wanted.contains(KratixFinalizers.deleteWorkflows) {
            pass.object = try await Finalizers.remove([KratixFinalizers.deleteWorkflows], from: pass.object, resource: resource, client: client) ?? pass.object
        }
        pass.object = try await Finalizers.add(wanted, to: pass.object, resource: resource, client: client)
        return nil
    }

    /// Step 6: the `kratix.io/promise-version` label, recorded as the status's version.
    func recordVersion(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        guard let version = pass.object.labels[KratixLabels.promiseVersion], pass.status.promiseVersion != version else { return nil }
        pass.status.setPromiseVersion(version)
        _ = try await writeStatus(pass.objectWithStatus)
        return .done
    }

    /// Step 8: required Promises. Unmet ones end the pass only when their statuses change: the CRD
    /// is still installed and the request controller started (step 11), so requests are accepted
    /// as Pending.
    func checkRequirements(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        guard let met = try await evaluateRequirements(pass.promise, &pass.status) else { return nil }
        if !met {
            pass.status.setCondition("Reconciled", .unknown, reason: "RequirementsNotFulfilled", message: "Pending", now: now())
            pass.status.markUnavailable(now: now())
        }
        pass.requirementsMet = met
        guard pass.status.value != pass.object.status else { return nil }
        _ = try await writeStatus(pass.objectWithStatus)
        if pass.wasAvailable && !met {
            await events.record(pass.object, type: .warning, reason: "Unavailable", message: "Promise no longer available: Requirements have changed")
        }
        return .done
    }

    /// Step 9: the API's CRD, established, recorded on the status, and the request controller's
    /// permissions on it.
    func installAPI(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        guard let api = pass.api else { return nil }
        switch try await ensureCRD(api, promise: pass.promise) {
        case .ready: break
        case .wait: return .requeueAfter(.seconds(5))
        }
        let apiVersion = api.apiVersion.lowercased()
        if pass.status.api.kind != api.kind || pass.status.api.apiVersion != apiVersion {
            pass.status.setAPI(kind: api.kind, apiVersion: apiVersion)
            _ = try await writeStatus(pass.objectWithStatus)
            return .requeueAfter(.seconds(5))
        }
        try await ensureControllerRBAC(api, promise: pass.promise.name)
        return nil
    }

    /// Step 10: static dependencies, then the promise configure workflow (its counters and pipeline
    /// list first, a periodic rerun when due, then the engine). Step 7 rides along: while the
    /// workflow runs the Promise is not available (an upstream quirk, kept).
    func runConfigureWorkflow(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        _ = try await dependencies.sync(pass.promise, now: now())
        let pipelines = pass.configurePipelines
        guard !pipelines.isEmpty else {
            guard pass.status.clearWorkflows() else { return nil }
            _ = try await writeStatus(pass.objectWithStatus)
            return .done
        }
        let names = pipelines.map(\.pipelineName)
        if pass.status.counter("workflows") != Int64(names.count) || pass.status.pipelines.map({ $0["name"]?.stringValue ?? "" }) != names {
            pass.status.setCounter("workflows", Int64(names.count))
            pass.status.resetPipelines(to: names, now: now())
            _ = try await writeStatus(pass.objectWithStatus)
            return .done
        }
        // Periodic reconciliation (§9): a finished (or, with reconcileAfterFailure, failed)
        // workflow older than the interval runs again from its first pipeline.
        if pass.periodic.isDue(pass.status, now: now()),
           pass.object.labels[KratixLabels.manualReconciliation] != "true", pass.object.labels[KratixLabels.runFromStart] != "true" {
            _ = try await client.patch(resource, name: pass.promise.name,
                                       .merge(["metadata": ["labels": .object([KratixLabels.manualReconciliation: "true"])]]))
            return .done
        }
        var outcome = try await engine.reconcileConfigure(object: pass.object, resource: resource, pipelines: pipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
        // While the engine only updates its own bookkeeping, plan again at once.
        for _ in 0..<ResourceRequestReconciler.maximumEngineRounds where outcome.continuesAtOnce {
            pass.object = try await engine.writeStatus(outcome, resource: resource)
            outcome = try await engine.reconcileConfigure(object: pass.object, resource: resource, pipelines: pipelines,
                                                          numberOfJobsToKeep: configuration.numberOfJobsToKeep)
        }
        var written = outcome
        // (A suspended workflow already says why: Available False / WorkflowSuspended, §5.9.)
        if outcome.state != .completed && outcome.state != .suspended {
            var unavailable = WorkflowStatusDocument(outcome.object.status, conditionStyle: .metav1)
            unavailable.markUnavailable(now: now())
            if unavailable.value != outcome.object.status {
                written.object.status = unavailable.value
                written.statusChanged = true
            }
        }
        if written.statusChanged { written.object = Self.withCounters(written.object) }
        pass.object = try await engine.writeStatus(written, resource: resource)
        switch outcome.state {
        case .completed:
            if written.statusChanged { return .done }
        case .failed:
            // Its requests are told why they wait (ResourceRequestReconciler.servingBlock), rather
            // than left without a status because nothing reconciles them.
            if let api = pass.api { await resourceControllers.start(promise: pass.promise.name, api: api) }
            return configuration.workflows.reconcileAfterFailure ? .requeueAfter(pass.periodic.interval) : .done
        default:
            if outcome.continuesAtOnce { return .requeue }
            return outcome.action == .done && written.statusChanged ? .done : outcome.action
        }
        pass.status = WorkflowStatusDocument(pass.object.status, conditionStyle: .metav1)
        return nil
    }

    /// Step 11: the resource-request controller; after a spec change (or on the
    /// `kratix.io/reconcile-resources` label) every request runs again from its first pipeline.
    func startRequestController(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        guard let api = pass.api else { return nil }
        await resourceControllers.start(promise: pass.promise.name, api: api)
        if !pass.requirementsMet { return .requeueAfter(.seconds(60)) }
        let generation = pass.object.generation ?? 1
        let reconcileAll = pass.object.labels[KratixLabels.reconcileResources] == "true"
        if reconcileAll || (pass.status.observedGeneration != generation && generation != 1) {
            // Requests run with the latest revision: not before this version's revision is it
            // (the revision controller's status write wakes this Promise).
            guard try await currentRevisionIsLatest(pass.object) else { return .done }
            let requests = try await reader.list(api.resource, namespace: nil, labels: [:])
            for request in requests {
                _ = try await client.patch(api.resource, name: request.name ?? "", namespace: request.namespace,
                                           .merge(["metadata": ["labels": .object([KratixLabels.runFromStart: "true"])]]))
            }
            await events.record(pass.object, type: .normal, reason: "ReconcilingResources", message: "Reconciling all resource requests")
            if reconcileAll {
                _ = try await client.patch(resource, name: pass.promise.name,
                                           .merge(["metadata": ["labels": .object([KratixLabels.reconcileResources: .null])]]))
                return .done
            }
        }
        // The generation is recorded now: left for a later write, every pass would label the
        // requests again and they would restart without end.
        if pass.status.observedGeneration != generation {
            pass.status.observedGeneration = generation
            _ = try await writeStatus(pass.objectWithStatus)
            return .done
        }
        return nil
    }

    /// Step 12: Available, with the time and an event, the first time the pass gets here.
    func markAvailable(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        guard pass.status.availability != .available else { return nil }
        pass.status.markAvailable(now: now())
        _ = try await writeStatus(pass.objectWithStatus)
        await events.record(pass.object, type: .normal, reason: "Available", message: "Promise is available")
        return .done
    }

    /// Step 13, the steady state: the Promise's Works summarized, Reconciled, the counters; then
    /// the next periodic pass.
    func summarizeWorks(_ pass: inout PromisePass) async throws -> ReconcileAction {
        let before = pass.status
        let works = try await reader.list(Work.groupVersionResource, namespace: nil, labels: [
            KratixLabels.promiseName: pass.promise.name, KratixLabels.workType: "promise",
        ])
        let worksCondition = WorksSummary(works).condition(subject: "promise", separator: " ")
        pass.status.setCondition("WorksSucceeded", worksCondition.0, reason: worksCondition.1, message: worksCondition.2, now: now())
        let configure = pass.status.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted)
        var reconciledNow = false
        if let reconciled = ReconciledRule.evaluate(configure: configure, works: worksCondition) {
            reconciledNow = pass.status.setCondition("Reconciled", reconciled.0, reason: reconciled.1, message: reconciled.2, now: now())
                && reconciled.0 == .true
        }
        if !pass.configurePipelines.isEmpty {
            pass.status.setCounter("workflowsSucceeded", configure?.status == .true ? Int64(pass.configurePipelines.count) : 0)
            pass.status.setCounter("workflowsFailed", 0)
        }
        guard pass.status != before else { return .requeueAfter(pass.periodic.interval) }
        _ = try await writeStatus(pass.objectWithStatus)
        if reconciledNow { await events.record(pass.object, type: .normal, reason: "ReconcileSucceeded", message: "Successfully reconciled") }
        return .done
    }

    // MARK: Writing

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
            status.setAvailability(.unavailable, mirrored: false)
            object.status = status.value
            _ = try await writeStatus(object)
            await events.record(object, type: .warning, reason: "InvalidPromise", message: message)
        }
        return .done
    }
}
