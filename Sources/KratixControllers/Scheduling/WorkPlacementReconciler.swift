import Foundation
import KratixAPI
import KratixTelemetry
import KratixStateStore
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Writes a WorkPlacement's files to its Destination's state store and reports the outcome in its
/// status; removes them again when the WorkPlacement is deleted (spec §7 and §8).
///
/// The store's writer comes from the shared ``StateStoreRegistry``: until the store validated,
/// the write waits (requeue after 15 s). Placements are handed to the writer without a lock, so
/// every placement waiting on a store goes into its next commit (group commit, ``GitWriter``);
/// only `aggregatedYAML` destinations, whose one file is computed from all their placements, are
/// written under the store's lock. After a successful write the placement is rewritten every
/// `stateStoreReconciliationInterval`, which undoes drift in the store.
public struct WorkPlacementReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public let registry: StateStoreRegistry
    /// Zero disables the periodic rewrite.
    public let stateStoreReconciliationInterval: Duration
    let events: SchedulingEventSink
    let logger: Logger
    let versions = VersionIDCache()

    public init(client: KubeClient, events: EventRecorder, registry: StateStoreRegistry,
                stateStoreReconciliationInterval: Duration = SchedulingTimings.defaultStateStoreReconciliationInterval,
                reader: (any ObjectReader)? = nil, logger: Logger = Logger(label: "kratix.controller.workplacement")) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.registry = registry
        self.stateStoreReconciliationInterval = stateStoreReconciliationInterval
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    /// Reconciles the WorkPlacement with this key, read through `reader`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let placement = try await reader.get(WorkPlacement.self, key.name, namespace: key.namespace) else { return .done }
        return try await reconcile(placement)
    }

    public func reconcile(_ placement: WorkPlacement) async throws -> ReconcileAction {
        var operation = "\(placement.spec.promiseName ?? "")/WorkPlacementReconcile"
        if let resource = placement.spec.resourceName, !resource.isEmpty { operation = "\(resource)/\(operation)" }
        return try await ReconcileTrace.run(operation, object: placement, client: client) { placement in try await pass(placement) }
    }

    private func pass(_ placement: WorkPlacement) async throws -> ReconcileAction {
        let placements = client.api(WorkPlacement.self, namespace: placement.metadata.namespace)
        let destinationName = placement.spec.targetDestinationName ?? ""
        guard let destination = try await reader.get(Destination.self, destinationName) else {
            // The Destination is gone: nothing can be cleaned up, so let the placement go. Its
            // files stay in the store (spec §7.7).
            return try await removeFinalizers(placement, placements: placements)
        }
        guard let reference = destination.spec.stateStoreRef else {
            logger.warning("destination has no stateStoreRef", metadata: ["destination": "\(destinationName)"])
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        let storeKey = StateStoreRegistry.StoreKey(reference)
        let outcome: ReconcileAction?
        if WorkPlacementLayout(destination: destination).mode == .aggregatedYAML {
            outcome = try await registry.withWriter(storeKey) { writer in
                try await self.reconcile(placement, destination: destination, writer: writer, placements: placements)
            }
        } else if let writer = await registry.writer(for: storeKey) {
            outcome = try await reconcile(placement, destination: destination, writer: writer, placements: placements)
        } else {
            outcome = nil
        }
        if let outcome { return outcome }
        // No writer: the store has not validated yet, or it cannot be used. Its error goes on the
        // placement, so that the placement, its Work and its request do not look fine.
        if !placement.metadata.isBeingDeleted, let problem = try await storeProblem(reference) {
            return try await reportWriteFailure(placement, error: problem, placements: placements)
        }
        return .requeueAfter(SchedulingTimings.defaultRequeue)
    }

    /// Why the state store a Destination references cannot be written: missing, or its `Ready`
    /// condition False with the store controller's message. Nil while it is still being validated.
    private func storeProblem(_ reference: StateStoreReference) async throws -> StoreProblem? {
        let resource = reference.kind == .gitStateStore ? GitStateStore.groupVersionResource : BucketStateStore.groupVersionResource
        guard let store = try await reader.get(resource, name: reference.name, namespace: nil) else {
            return StoreProblem(description: "\(reference.kind.rawValue) \(reference.name) does not exist")
        }
        let ready = (store.status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        guard ready?["status"]?.stringValue == "False" else { return nil }
        let message = ready?["message"]?.stringValue ?? ready?["reason"]?.stringValue ?? "not ready"
        return StoreProblem(description: "\(reference.kind.rawValue) \(reference.name) is not ready: \(message)")
    }

    struct StoreProblem: Error, CustomStringConvertible {
        var description: String
    }

    private func reconcile(_ placement: WorkPlacement, destination: Destination, writer: any StateStoreWriter,
                           placements: Api<WorkPlacement>) async throws -> ReconcileAction {
        var placement = placement
        let layout = WorkPlacementLayout(destination: destination)
        if placement.metadata.isBeingDeleted {
            return try await deleteFiles(placement, layout: layout, writer: writer, placements: placements)
        }
        var missing = [KratixFinalizers.workPlacementRepoCleanup]
        if layout.mode == .none { missing.append(KratixFinalizers.workPlacementDotFilesCleanup) }
        missing.removeAll { placement.metadata.hasFinalizer($0) }
        if !missing.isEmpty {
            for finalizer in missing { placement = try await Finalizers.add(finalizer, to: placement, client: client) }
        }

        let result: WriteResult
        func recordWrite(_ outcome: String) {
            KratixTelemetry.recordPlacementWrite(result: outcome, promise: placement.spec.promiseName ?? "", resource: placement.spec.resourceName ?? "",
                                                 destination: placement.spec.targetDestinationName ?? "",
                                                 pipeline: placement.metadata.labels?[KratixLabels.pipelineName] ?? "")
        }
        do {
            result = try await writer.update(try await writeUpdate(placement, layout: layout, writer: writer))
        } catch {
            recordWrite("failure")
            return try await reportWriteFailure(placement, error: error, placements: placements)
        }
        recordWrite("success")

        let cacheKey = "\(placement.metadata.namespace ?? "")-\(placement.name)"
        let written = result.changed ? result.versionID : ""
        if !written.isEmpty { await versions.set(written, for: cacheKey) }
        let target = placement.spec.targetDestinationName ?? ""
        await events.record(.normal("WorkloadsWrittenToStateStore",
                                    "successfully written to Destination: \(target)" + (written.isEmpty ? "" : " with versionID: \(written)")),
                            on: placement)

        var updated = placement
        var status = updated.status ?? WorkPlacementStatus()
        var version = written
        if version.isEmpty { version = await versions.get(cacheKey) ?? "" }
        if !version.isEmpty { status.versionID = version }
        var conditions = status.conditions ?? []
        WorkPlacementConditions.applyWritten(to: &conditions)
        status.conditions = conditions
        if status != placement.status {
            updated.status = status
            do {
                if let lost = try await SchedulingAPI.updateStatus(placements, updated).lostAction { return lost }
            } catch {
                // A write cut short by shutdown is not a failure to report; the next start writes it.
                logger.log(level: Task.isCancelled ? .debug : .error, "cannot update WorkPlacement status",
                           metadata: ["workPlacement": "\(cacheKey)", "error": "\(error)"])
                return .requeueAfter(SchedulingTimings.defaultRequeue)
            }
        }
        await versions.remove(cacheKey)
        return stateStoreReconciliationInterval > .zero ? .requeueAfter(stateStoreReconciliationInterval) : .done
    }

    /// The update for the placement's current content; reads what the layout needs from the
    /// store (the state file) or the API (the Destination's other placements).
    private func writeUpdate(_ placement: WorkPlacement, layout: WorkPlacementLayout, writer: any StateStoreWriter) async throws -> StateStoreUpdate {
        switch layout.mode {
        case .nestedByMetadata:
            return try layout.write(placement)
        case .aggregatedYAML:
            return try layout.write(placement, destinationPlacements: try await destinationPlacements(placement))
        case .none:
            let previous = try await writer.readFile(layout.stateFilePath(for: placement))
            return try layout.write(placement, previousStateFile: previous)
        }
    }

    private func destinationPlacements(_ placement: WorkPlacement) async throws(ClientError) -> [WorkPlacement] {
        try await reader.list(WorkPlacement.self, labels: [KratixLabels.targetDestinationName: placement.spec.targetDestinationName ?? ""])
    }

    private func reportWriteFailure(_ placement: WorkPlacement, error: any Error, placements: Api<WorkPlacement>) async throws -> ReconcileAction {
        let message = "\(error)"
        let target = placement.spec.targetDestinationName ?? ""
        logger.error("error writing to repository; will retry", metadata: ["workPlacement": "\(placement.metadata.namespace ?? "")/\(placement.name)",
                                                                         "destination": "\(target)", "error": "\(message)"])
        await events.record(.warning("FailedWriteToDestination",
                                     "failed writing to Destination: \(target) with error: \(message); check kubectl get destination for more info"),
                            on: placement)
        var updated = placement
        var status = updated.status ?? WorkPlacementStatus()
        var conditions = status.conditions ?? []
        if WorkPlacementConditions.applyWriteFailed(message, to: &conditions) {
            status.conditions = conditions
            updated.status = status
            do {
                _ = try await placements.updateStatus(updated)
            } catch {
                logger.log(level: Task.isCancelled ? .debug : .error, "cannot update WorkPlacement status",
                           metadata: ["workPlacement": "\(placement.name)", "error": "\(error)"])
            }
        }
        return .requeueAfter(SchedulingTimings.defaultRequeue)
    }

    // MARK: Deletion

    private func deleteFiles(_ placement: WorkPlacement, layout: WorkPlacementLayout, writer: any StateStoreWriter,
                             placements: Api<WorkPlacement>) async throws -> ReconcileAction {
        guard placement.metadata.hasFinalizer(KratixFinalizers.workPlacementRepoCleanup)
            || placement.metadata.hasFinalizer(KratixFinalizers.workPlacementDotFilesCleanup) else { return .done }
        let target = placement.spec.targetDestinationName ?? ""
        do {
            var removal: StateStoreUpdate?
            switch layout.mode {
            case .nestedByMetadata:
                removal = try layout.removal(placement)
            case .aggregatedYAML:
                removal = try layout.removal(placement, destinationPlacements: try await destinationPlacements(placement))
            case .none:
                let path = layout.stateFilePath(for: placement)
                guard let stateFile = try await writer.readFile(path) else {
                    // The state file is the only record of what to delete: wait for it.
                    await events.record(.warning("FailedDelete", "failed to read .kratix state file: \(path) does not exist"), on: placement)
                    return .requeueAfter(SchedulingTimings.defaultRequeue)
                }
                removal = try layout.removal(placement, stateFile: stateFile)
            }
            if let removal { _ = try await writer.update(removal) }
        } catch {
            logger.error("error removing work from repository; will retry", metadata: ["workPlacement": "\(placement.name)",
                                                                                     "destination": "\(target)", "error": "\(error)"])
            await events.record(.warning("FailedDelete", "error removing work from Destination: \(target) with error: \(error)"), on: placement)
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        return try await removeFinalizers(placement, placements: placements)
    }

    private func removeFinalizers(_ placement: WorkPlacement, placements: Api<WorkPlacement>) async throws -> ReconcileAction {
        try await Finalizers.remove([KratixFinalizers.workPlacementRepoCleanup, KratixFinalizers.workPlacementDotFilesCleanup],
                                    from: placement, client: client)
        return .done
    }
}
