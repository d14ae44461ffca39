import Foundation
import KratixAPI
import KratixTelemetry
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Reconciles a Work: schedules its workload groups onto Destinations as WorkPlacements (spec §4)
/// and, when the Work is deleted, deletes its WorkPlacements (spec §2.8).
///
/// The decisions come from ``WorkScheduler``; this type only reads the inputs and applies the plan.
/// Triggers the manager should wire (spec §4.1): the Work itself, its WorkPlacements, and any
/// Destination event (which enqueues every Work).
///
/// One pass does everything the Work needs: the finalizer, then the schedule. Inputs come from
/// `reader` (the informer caches in the manager).
public struct WorkReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public let scheduler: WorkScheduler
    let events: SchedulingEventSink
    let logger: Logger

    public init(client: KubeClient, events: EventRecorder, scheduler: WorkScheduler = WorkScheduler(),
                reader: (any ObjectReader)? = nil, logger: Logger = Logger(label: "kratix.controller.work")) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.scheduler = scheduler
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    /// Reconciles the Work with this key, read through `reader`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let work = try await reader.get(Work.self, key.name, namespace: key.namespace) else { return .done }
        return try await reconcile(work)
    }

    public func reconcile(_ work: Work) async throws -> ReconcileAction {
        var work = work
        if work.metadata.isBeingDeleted {
            return try await delete(work)
        }
        work = try await Finalizers.add(KratixFinalizers.workCleanup, to: work, client: client)
        do {
            return try await schedule(work)
        } catch let error as ClientError where Self.isRace(error) {
            // Someone else wrote first; the plan is stale. Plan again from fresh reads shortly.
            return .requeueAfter(SchedulingTimings.fastRequeue)
        }
    }

    static func isRace(_ error: ClientError) -> Bool {
        switch error {
        case .conflict, .alreadyExists: return true
        default: return false
        }
    }

    // MARK: Scheduling

    private func schedule(_ work: Work) async throws -> ReconcileAction {
        let namespace = work.metadata.namespace ?? ""
        let placementsAPI = client.api(WorkPlacement.self, namespace: namespace)
        let placements = try await reader.list(WorkPlacement.self, namespace: namespace, labels: [KratixLabels.work: work.name])
        let destinations = try await reader.list(Destination.self)
        let plan = scheduler.plan(work: work, destinations: destinations, placements: placements)

        for group in plan.groups {
            if case .failed(let error) = group.outcome {
                logger.error("cannot schedule workload group", metadata: ["work": "\(namespace)/\(work.name)", "workloadGroup": "\(group.groupID)",
                                                                         "error": "\(error)"])
                return try await finishWithFailure(work, groupID: group.groupID)
            }
            if group.outcome == .unscheduled {
                KratixTelemetry.recordPlacementOutcome("unscheduled", promise: work.spec.promiseName ?? "", resource: work.spec.resourceName ?? "",
                                                       namespace: namespace, destination: "")
            }
            do {
                for change in group.placements {
                    try await apply(change, placementsAPI: placementsAPI)
                    KratixTelemetry.recordPlacementOutcome(change.misplaced ? "misplaced" : "scheduled", promise: work.spec.promiseName ?? "",
                                                           resource: work.spec.resourceName ?? "", namespace: namespace,
                                                           destination: change.placement.spec.targetDestinationName ?? "")
                }
            } catch let error as ClientError where Self.isRace(error) {
                throw error
            } catch {
                logger.error("cannot create or update WorkPlacement", metadata: ["work": "\(namespace)/\(work.name)",
                                                                                "workloadGroup": "\(group.groupID)", "error": "\(error)"])
                return try await finishWithFailure(work, groupID: group.groupID)
            }
        }

        for dangling in plan.danglingPlacements {
            logger.info("deleting WorkPlacement that no longer references a workloadGroup",
                        metadata: ["work": "\(namespace)/\(work.name)", "workPlacement": "\(dangling.name)"])
            try await SchedulingAPI.delete(placementsAPI, dangling.name)
        }

        let completion = WorkScheduler.completion(work: work, plan: plan, placements: placements)
        if completion.statusChanged {
            var updated = work
            updated.status = completion.status
            _ = try await client.api(Work.self, namespace: namespace).updateStatus(updated)
        }
        await events.record(completion.events, on: work)
        return completion.action
    }

    /// Creates or updates one WorkPlacement, then brings its schedule conditions up to date.
    private func apply(_ change: PlacementChange, placementsAPI: Api<WorkPlacement>) async throws {
        var placement: WorkPlacement
        switch change.operation {
        case .created:
            if let created = try await SchedulingAPI.create(placementsAPI, change.placement) {
                placement = created
            } else {
                // The name is taken by a placement without this Work's labels: claim it.
                placement = try await placementsAPI.update(try adopt(try await placementsAPI.get(change.placement.name), as: change.placement))
            }
        case .updated:
            placement = try await placementsAPI.update(change.placement)
        case .unchanged:
            // As read for the plan (the WorkPlacement controller writes its status too; a stale
            // copy fails the status write below with a conflict, and the pass runs again).
            placement = change.placement
        }
        var status = placement.status ?? WorkPlacementStatus()
        var conditions = status.conditions ?? []
        guard WorkPlacementConditions.applySchedule(misplaced: change.misplaced, to: &conditions) else { return }
        status.conditions = conditions
        placement.status = status
        placement = try await placementsAPI.updateStatus(placement)
        if change.misplaced {
            let target = placement.spec.targetDestinationName ?? ""
            await events.record(.warning("DestinationSelectorMismatch",
                                         "labels for destination: \(target) no longer match the expected labels, marking this workplacement as misplaced"),
                                on: placement)
        }
    }

    /// `existing` with the scheduler's labels, annotations, spec, finalizer and owner applied.
    private func adopt(_ existing: WorkPlacement, as desired: WorkPlacement) throws(SchedulingError) -> WorkPlacement {
        var placement = existing
        placement.metadata.labels = desired.metadata.labels
        placement.metadata.annotations = desired.metadata.annotations
        placement.spec = desired.spec
        if !placement.metadata.isBeingDeleted { placement.metadata.addFinalizer(KratixFinalizers.workPlacementRepoCleanup) }
        for reference in desired.metadata.ownerReferences ?? [] where reference.controller == true {
            var references = placement.metadata.ownerReferences ?? []
            if let other = references.first(where: { $0.controller == true && ($0.kind != reference.kind || $0.name != reference.name) }) {
                throw SchedulingError(.alreadyOwned(object: "WorkPlacement \(existing.name)", owner: "\(other.kind)/\(other.name)"))
            }
            references.removeAll { $0.kind == reference.kind && $0.name == reference.name }
            references.append(reference)
            placement.metadata.ownerReferences = references
        }
        return placement
    }

    private func finishWithFailure(_ work: Work, groupID: String) async throws -> ReconcileAction {
        let completion = WorkScheduler.failure(work: work, groupID: groupID)
        if completion.statusChanged {
            var updated = work
            updated.status = completion.status
            _ = try await client.api(Work.self, namespace: work.metadata.namespace).updateStatus(updated)
        }
        return completion.action
    }

    // MARK: Deletion

    /// Deletes the Work's WorkPlacements (background propagation) and then drops the finalizer at
    /// once, without waiting for their own cleanup (spec §2.8).
    private func delete(_ work: Work) async throws -> ReconcileAction {
        guard work.metadata.hasFinalizer(KratixFinalizers.workCleanup) else { return .done }
        let namespace = work.metadata.namespace ?? ""
        let placementsAPI = client.api(WorkPlacement.self, namespace: namespace)
        let placements = try await reader.list(WorkPlacement.self, namespace: namespace, labels: [KratixLabels.work: work.name])
        var failures: [String] = []
        for placement in placements {
            do {
                try await SchedulingAPI.delete(placementsAPI, placement.name, options: DeleteOptions(propagationPolicy: .background))
            } catch {
                failures.append("\(placement.name): \(error)")
            }
        }
        if !failures.isEmpty {
            await events.record(.warning("FailedDelete", "deleting work failed: \(failures.joined(separator: "; "))"), on: work)
            throw SchedulingError(.deletionFailed(object: "WorkPlacements of Work \(namespace)/\(work.name)", detail: failures.joined(separator: "; ")))
        }
        try await Finalizers.remove([KratixFinalizers.workCleanup], from: work, client: client)
        return .done
    }
}
