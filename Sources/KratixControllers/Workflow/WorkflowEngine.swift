import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// The IO half of the workflow engine: reads the object's Jobs, asks ``WorkflowPlanner`` what to
/// do, and does it (labels, Job suspension, the pipeline's objects, pruning, Work cleanup, events).
///
/// The object's status is not written here: the outcome carries it, so a controller can fold its
/// own status changes into the same write (one write per pass, as upstream mostly manages).
public struct WorkflowEngine: Sendable {
    public let client: KubeClient
    /// Where Jobs and the pipelines' supporting objects are read: the informer caches in the manager.
    public let reader: any ObjectReader
    public var events: EventRecorder?
    public var logger: Logger
    /// How long to wait after creating a pipeline's objects, holding the worker. Zero here: Jobs are
    /// ordered by ``JobCreationStamp``. Upstream waits 1.1 s so that consecutive Jobs never share a
    /// `creationTimestamp` second; the bench's upstream-like mode sets that to measure its cost.
    public var pauseAfterStart: Duration
    public var now: @Sendable () -> Date

    public init(client: KubeClient, events: EventRecorder? = nil, logger: Logger = Logger(label: "kratix.workflow"),
                pauseAfterStart: Duration = .zero, reader: (any ObjectReader)? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.events = events
        self.logger = logger
        self.pauseAfterStart = pauseAfterStart
        self.now = now
    }

    /// What one pass did and what the caller still has to do.
    public struct Outcome: Sendable {
        public var plan: WorkflowPlan
        /// The object as last seen (after any label change), with the new status in place when
        /// ``statusChanged``; write it with ``WorkflowEngine/writeStatus(_:resource:)``.
        public var object: KubeObject
        public var statusChanged: Bool
        /// Objects that could not be applied or deleted; logged, and not fatal (§4.8).
        public var warnings: [String]

        public var decision: WorkflowDecision { plan.decision }

        /// The pass only brought the workflow's own bookkeeping up to date (counters and phases,
        /// the suspension labels): planning again at once makes the next move, rather than waiting
        /// for this write to come back as an event.
        public var continuesAtOnce: Bool {
            switch plan.decision {
            case .recordProgress, .retryAfterSuspension, .restartAfterSuspension: return true
            default: return false
            }
        }
        public var state: WorkflowState { plan.state }
        /// How the controller should come back.
        public var action: ReconcileAction { plan.action }
    }

    /// One pass of the configure workflow of `object` (a Promise or a resource request, served at
    /// `resource`), whose pipelines are `pipelines` in order.
    public func reconcileConfigure(
        object: KubeObject, resource: GroupVersionResource, pipelines: [PipelineResources], numberOfJobsToKeep: Int
    ) async throws(WorkflowError) -> Outcome {
        guard let first = pipelines.first else {
            return Outcome(plan: WorkflowPlan(decision: .noPipelines, state: .noPipelines), object: object, statusChanged: false, warnings: [])
        }
        let jobs = try await listJobs(first, object: object)
        let input = WorkflowPlanner.Input(
            workflowType: first.workflowType, pipelines: pipelines.map(WorkflowPlanner.Pipeline.init), objectLabels: object.labels,
            generation: object.generation ?? 0, status: object.status, jobs: jobs, numberOfJobsToKeep: numberOfJobsToKeep, now: now())
        let plan = WorkflowPlanner.planConfigure(input)
        return try await carryOut(plan, object: object, resource: resource, pipelines: pipelines)
    }

    /// One pass of the delete workflow: only the first delete pipeline runs (§5.8). A failed delete
    /// Job is reported as ``WorkflowState/failed``; ``deleteFailure(_:)`` gives the error to return.
    public func reconcileDelete(
        object: KubeObject, resource: GroupVersionResource, pipelines: [PipelineResources]
    ) async throws(WorkflowError) -> Outcome {
        guard let first = pipelines.first else {
            var plan = WorkflowPlan(decision: .noPipelines, state: .noPipelines)
            plan.action = .done
            return Outcome(plan: plan, object: object, statusChanged: false, warnings: [])
        }
        if pipelines.count > 1 {
            logger.warning("multiple delete pipelines found; only the first will be used", metadata: ["object": "\(object.key)"])
        }
        let jobs = try await listJobs(first, object: object)
        let input = WorkflowPlanner.Input(
            workflowType: first.workflowType, pipelines: pipelines.map(WorkflowPlanner.Pipeline.init), objectLabels: object.labels,
            generation: object.generation ?? 0, status: object.status, jobs: jobs, now: now())
        let plan = WorkflowPlanner.planDelete(input)
        return try await carryOut(plan, object: object, resource: resource, pipelines: pipelines)
    }

    /// The error a controller returns for a failed delete pipeline (so it backs off), or `nil`.
    public static func deleteFailure(_ outcome: Outcome) -> WorkflowError? {
        guard case .failed(let pipeline, _) = outcome.decision else { return nil }
        return WorkflowError(.deletePipelineFailed, object: WorkflowError.describe(outcome.object),
                             message: "delete Pipeline Failed: \(pipeline)")
    }

    /// Writes the outcome's status through the status subresource; returns the object as stored.
    public func writeStatus(_ outcome: Outcome, resource: GroupVersionResource) async throws(WorkflowError) -> KubeObject {
        guard outcome.statusChanged else { return outcome.object }
        do {
            return try await client.updateStatus(resource, outcome.object)
        } catch {
            throw requestError("update status of", outcome.object, error)
        }
    }

    // MARK: Carrying out a plan

    private func carryOut(_ plan: WorkflowPlan, object: KubeObject, resource: GroupVersionResource,
                          pipelines: [PipelineResources]) async throws(WorkflowError) -> Outcome {
        var current = object
        var warnings: [String] = []
        var staleRBAC: [KubeObject] = []

        if let index = plan.startPipeline, pipelines[index].action == .configure {
            // Computed before the labels change, as upstream does.
            staleRBAC = try await staleUserPermissions(for: pipelines[index])
        }
        if plan.changesLabels {
            current = try await updateLabels(of: current, resource: resource, add: plan.labelsToAdd, remove: plan.labelsToRemove)
        }
        for job in plan.jobsToSuspend {
            do {
                _ = try await client.patch(.jobs, name: job.name, namespace: job.namespace, .merge(["spec": ["suspend": true]]))
                logger.info("suspended job for manual reconciliation", metadata: ["job": "\(job)"])
            } catch {
                warnings.append("suspend Job \(job): \(error)")
            }
        }
        if let index = plan.startPipeline {
            for stale in staleRBAC {
                await delete(stale, warnings: &warnings)
            }
            warnings += await apply(pipelines[index])
            if pauseAfterStart > .zero { try? await Task.sleep(for: pauseAfterStart) }
        }
        for job in plan.jobsToDelete {
            do {
                _ = try await client.delete(.jobs, name: job.name, namespace: job.namespace, options: DeleteOptions(propagationPolicy: .background))
            } catch .notFound {
                continue
            } catch {
                warnings.append("delete old Job \(job): \(error)")
                break  // upstream stops here and retries on a later pass
            }
        }
        if plan.cleanUpWorks, let first = pipelines.first {
            warnings += await cleanUpWorks(first, keeping: Set(pipelines.map(\.pipelineName)))
        }
        if let recorder = events {
            for event in plan.events {
                await recorder.record(current, type: event.type == .warning ? .warning : .normal, reason: event.reason, message: event.message)
            }
        }
        for warning in warnings { logger.warning("\(warning)", metadata: ["object": "\(object.key)"]) }

        var statusChanged = false
        if let status = plan.status {
            current.status = status
            statusChanged = true
        }
        return Outcome(plan: plan, object: current, statusChanged: statusChanged, warnings: warnings)
    }

    /// The object's Jobs of this workflow type, with the current and the legacy type label.
    private func listJobs(_ pipeline: PipelineResources, object: KubeObject) async throws(WorkflowError) -> [WorkflowJob] {
        var out: [WorkflowJob] = []
        var seen = Set<String>()
        for selector in [pipeline.workflowJobSelector, pipeline.legacyWorkflowJobSelector] {
            let items: [KubeObject]
            do {
                items = try await reader.list(.jobs, namespace: pipeline.jobListNamespace, labels: selector)
            } catch {
                throw WorkflowError(.request, object: WorkflowError.describe(object), message: "list workflow Jobs: \(error)")
            }
            for item in items where seen.insert("\(item.namespace ?? "")/\(item.name ?? "")").inserted {
                out.append(WorkflowJob(item))
            }
        }
        return out
    }

    /// Sets and removes labels with a merge patch that carries the resourceVersion, so a concurrent
    /// change makes it fail (conflict) instead of being overwritten.
    private func updateLabels(of object: KubeObject, resource: GroupVersionResource, add: [String: String],
                              remove: [String]) async throws(WorkflowError) -> KubeObject {
        var labels = JSONObject()
        for key in remove { labels[key] = .null }
        for (key, value) in add { labels[key] = .string(value) }
        var metadata: JSONObject = ["labels": .object(labels)]
        if let rv = object.resourceVersion { metadata["resourceVersion"] = .string(rv) }
        do {
            var updated = try await client.patch(resource, name: object.name ?? "", namespace: object.namespace,
                                                 .merge(.object(["metadata": .object(metadata)])))
            // The patch does not touch status; keep the status this pass read (and may replace).
            updated.status = object.status
            return updated
        } catch {
            throw requestError("update labels of", object, error)
        }
    }

    /// §4.8: create each object; when it exists, update it — except a ServiceAccount someone else
    /// made (no `kratix.io/promise-name` label), which is left alone. An object that exists as
    /// desired is not written again (the supporting objects are shared by every request of a
    /// Promise and namespace). Failures are collected, not thrown.
    private func apply(_ pipeline: PipelineResources) async -> [String] {
        var warnings: [String] = []
        for var object in pipeline.objects {
            guard let gvr = Self.resource(of: object) else {
                warnings.append("apply \(WorkflowError.describe(object)): unknown kind")
                continue
            }
            if object.kind == "Job" {
                // A fresh name each run: nothing to look up.
                var annotations = object.annotations
                annotations[JobCreationStamp.annotation] = JobCreationStamp.next(now: now())
                object.annotations = annotations
            } else if let existing = try? await reader.cached(gvr, name: object.name ?? "", namespace: object.namespace) {
                if object.kind == "ServiceAccount" && existing.labels[KratixLabels.promiseName] == nil {
                    logger.debug("service account exists but was not created by kratix; skipping update",
                                 metadata: ["serviceAccount": "\(object.key)"])
                    continue
                }
                if Self.isApplied(object, as: existing) { continue }
                var replacement = object
                replacement.resourceVersion = existing.resourceVersion
                do {
                    _ = try await client.update(gvr, replacement)
                } catch {
                    warnings.append("update \(WorkflowError.describe(object)): \(error)")
                }
                continue
            }
            do {
                _ = try await client.create(gvr, object, namespace: object.namespace)
            } catch .alreadyExists {
                do {
                    let existing = try await client.get(gvr, name: object.name ?? "", namespace: object.namespace)
                    if object.kind == "ServiceAccount" && existing.labels[KratixLabels.promiseName] == nil {
                        logger.debug("service account exists but was not created by kratix; skipping update",
                                     metadata: ["serviceAccount": "\(object.key)"])
                        continue
                    }
                    var replacement = object
                    replacement.resourceVersion = existing.resourceVersion
                    _ = try await client.update(gvr, replacement)
                } catch {
                    warnings.append("update \(WorkflowError.describe(object)): \(error)")
                }
            } catch {
                warnings.append("create \(WorkflowError.describe(object)): \(error)")
            }
        }
        return warnings
    }

    /// Whether `existing` already is `desired`: its labels and annotations include the desired ones,
    /// and every other top-level field the desired object sets is equal (RBAC rules compared as the
    /// API server returns them).
    static func isApplied(_ desired: KubeObject, as existing: KubeObject) -> Bool {
        let labels = existing.labels, annotations = existing.annotations
        guard desired.labels.allSatisfy({ labels[$0.key] == $0.value }),
              desired.annotations.allSatisfy({ annotations[$0.key] == $0.value }) else { return false }
        for (key, value) in desired.json where !["apiVersion", "kind", "metadata"].contains(key) {
            if key == "rules" {
                if normalizedRules(value) != normalizedRules(existing.json[key]) { return false }
            } else if existing.json[key] != value {
                return false
            }
        }
        return true
    }

    /// §4.4 stale RBAC: user-permission objects of this pipeline that no longer match a desired one
    /// (rules compared in order; bindings by subjects and roleRef).
    private func staleUserPermissions(for pipeline: PipelineResources) async throws(WorkflowError) -> [KubeObject] {
        guard let promise = pipeline.job.labels[KratixLabels.promiseName] else { return [] }
        let selector = [
            KratixLabels.promiseName: promise,
            KratixLabels.pipelineName: pipeline.pipelineName,
            KratixLabels.pipelineNamespace: pipeline.namespace,
        ]
        let desired = pipeline.userPermissionObjects
        var stale: [KubeObject] = []
        for gvr in [GroupVersionResource.roles, .clusterRoles, .roleBindings, .clusterRoleBindings] {
            let items: [KubeObject]
            do {
                items = try await reader.list(gvr, namespace: nil, labels: selector)
            } catch {
                throw WorkflowError(.request, object: "pipeline \(pipeline.pipelineID)", message: "list \(gvr.resource): \(error)")
            }
            let kindDesired = desired.filter { Self.resource(of: $0) == gvr }
            for existing in items where !kindDesired.contains(where: { Self.sameRBAC($0, existing) }) {
                stale.append(existing)
            }
        }
        return stale
    }

    static func sameRBAC(_ desired: KubeObject, _ existing: KubeObject) -> Bool {
        if desired.kind == "Role" || desired.kind == "ClusterRole" {
            return normalizedRules(desired.json["rules"]) == normalizedRules(existing.json["rules"])
        }
        return desired.json["subjects"] == existing.json["subjects"] && desired.json["roleRef"] == existing.json["roleRef"]
    }

    /// Rules with empty lists dropped, as the API server returns them.
    static func normalizedRules(_ value: JSONValue?) -> [JSONValue] {
        (value?.arrayValue ?? []).map { rule in
            guard var o = rule.objectValue else { return rule }
            for (key, member) in o where member.arrayValue?.isEmpty == true && key != "verbs" { o[key] = nil }
            return .object(o)
        }
    }

    private func delete(_ object: KubeObject, warnings: inout [String]) async {
        guard let gvr = Self.resource(of: object) else { return }
        do {
            _ = try await client.delete(gvr, name: object.name ?? "", namespace: object.namespace)
        } catch .notFound {
        } catch {
            warnings.append("delete stale \(WorkflowError.describe(object)): \(error)")
        }
    }

    /// §5.7: Works of this object's workflows made by pipelines no longer in the list.
    private func cleanUpWorks(_ pipeline: PipelineResources, keeping names: Set<String>) async -> [String] {
        let works: [KubeObject]
        do {
            works = try await reader.list(Work.groupVersionResource, namespace: pipeline.workNamespace, labels: pipeline.workSelector)
        } catch {
            return ["list Works for cleanup: \(error)"]
        }
        var warnings: [String] = []
        for work in works where !names.contains(work.labels[KratixLabels.pipelineName] ?? "") {
            do {
                _ = try await client.delete(Work.groupVersionResource, name: work.name ?? "", namespace: work.namespace)
                logger.debug("deleted Work of a removed pipeline", metadata: ["work": "\(work.key)"])
            } catch .notFound {
            } catch {
                warnings.append("delete old Work \(work.key): \(error)")
            }
        }
        return warnings
    }

    private func requestError(_ verb: String, _ object: KubeObject, _ error: ClientError) -> WorkflowError {
        WorkflowError(.request, object: WorkflowError.describe(object), message: "\(verb) the object: \(error)", isConflict: error.isConflict)
    }

    /// `k1=v1,k2=v2`, sorted, for a list request.
    static func selectorString(_ labels: [String: String]) -> String { ListOptions.selector(labels) }

    /// The built-in resources a pipeline's objects are of.
    static func resource(of object: KubeObject) -> GroupVersionResource? {
        switch object.kind {
        case "ServiceAccount": return .serviceAccounts
        case "ConfigMap": return .configMaps
        case "Role": return .roles
        case "RoleBinding": return .roleBindings
        case "ClusterRole": return .clusterRoles
        case "ClusterRoleBinding": return .clusterRoleBindings
        case "Job": return .jobs
        default: return nil
        }
    }
}
