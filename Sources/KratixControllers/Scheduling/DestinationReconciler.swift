import Foundation
import KratixAPI
import KratixStateStore
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Proves a Destination's state store is usable by writing the canary files, reports it in the
/// `Ready` condition, and with `cleanup: all` empties the Destination before it goes (spec §5).
///
/// Triggers the manager should wire: the Destination itself, and any GitStateStore or
/// BucketStateStore event (enqueue the Destinations whose `stateStoreRef` names it). There is no
/// periodic requeue after success.
public struct DestinationReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public let registry: StateStoreRegistry
    let events: SchedulingEventSink
    let logger: Logger

    public init(client: KubeClient, events: EventRecorder, registry: StateStoreRegistry, reader: (any ObjectReader)? = nil,
                logger: Logger = Logger(label: "kratix.controller.destination")) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.registry = registry
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    /// Reconciles the Destination with this key, read through `reader`.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let destination = try await reader.get(Destination.self, key.name) else { return .done }
        return try await reconcile(destination)
    }

    public func reconcile(_ destination: Destination) async throws -> ReconcileAction {
        var destination = destination

        // 1. The cleanup finalizer follows `spec.cleanup`.
        let wantsFinalizer = destination.spec.effectiveCleanup == .all
        let hasFinalizer = destination.metadata.hasFinalizer(KratixFinalizers.destinationCleanup)
        if wantsFinalizer != hasFinalizer && !(wantsFinalizer && destination.metadata.isBeingDeleted) {
            do {
                if wantsFinalizer {
                    destination = try await Finalizers.add(KratixFinalizers.destinationCleanup, to: destination, client: client)
                } else if let remaining = try await Finalizers.remove([KratixFinalizers.destinationCleanup], from: destination, client: client) {
                    destination = remaining
                } else {
                    return .done
                }
            } catch {
                _ = try? await setReady(destination, DestinationConditions.finalizerUpdateFailed("\(error)"))
                throw error
            }
        }

        // 2. A first write only says "not ready yet".
        if destination.status?.conditions?[type: DestinationConditions.ready] == nil {
            switch try await writeReady(destination, DestinationConditions.notReadyYet) {
            case .written(let written): destination = written
            case let lost: return lost.lostAction ?? .done
            }
        }

        // 3. The store must be registered (validated) before anything is written.
        guard let reference = destination.spec.stateStoreRef else {
            throw SchedulingError(.missingField(object: "Destination \(destination.name)", field: "spec.stateStoreRef"))
        }
        let current = destination
        let outcome = try await registry.withWriter(StateStoreRegistry.StoreKey(reference)) { writer in
            try await self.reconcile(current, writer: writer)
        }
        if let outcome { return outcome }
        let condition = try await storeExists(reference)
            ? DestinationConditions.storeNotReady(reference)
            : DestinationConditions.storeNotFound(reference)
        _ = try await setReady(destination, condition)
        return .requeueAfter(SchedulingTimings.defaultRequeue)
    }

    private func reconcile(_ destination: Destination, writer: any StateStoreWriter) async throws -> ReconcileAction {
        let path = destination.spec.path ?? ""
        let mode = destination.spec.filepathMode
        if destination.metadata.isBeingDeleted {
            guard destination.metadata.hasFinalizer(KratixFinalizers.destinationCleanup) else { return .done }
            return try await delete(destination, writer: writer)
        }
        if !destination.spec.writesInitWorkloads {
            do {
                _ = try await writer.update(CanaryDocuments.removal(destinationPath: path, mode: mode))
            } catch {
                _ = try await setReady(destination, DestinationConditions.writeFailed("\(error)"))
                return .requeueAfter(SchedulingTimings.defaultRequeue)
            }
            return try await setReady(destination, DestinationConditions.readyWithoutTestDocuments) ?? .done
        }
        do {
            _ = try await writer.update(CanaryDocuments.update(destinationPath: path, mode: mode))
        } catch {
            _ = try await setReady(destination, DestinationConditions.writeFailed("\(error)"))
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        return try await setReady(destination, DestinationConditions.testDocumentsWritten) ?? .done
    }

    /// `cleanup: all` (spec §5.6): delete the Destination's WorkPlacements and wait until they are
    /// gone (their own finalizers remove their files while the Destination still exists), then the
    /// canary files, then the finalizer.
    private func delete(_ destination: Destination, writer: any StateStoreWriter) async throws -> ReconcileAction {
        let placements = try await reader.list(WorkPlacement.self, labels: [KratixLabels.targetDestinationName: destination.name])
        if !placements.isEmpty {
            for placement in placements where !placement.metadata.isBeingDeleted {
                try await SchedulingAPI.delete(client.api(WorkPlacement.self, namespace: placement.metadata.namespace), placement.name,
                                               options: DeleteOptions(propagationPolicy: .background))
            }
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        do {
            _ = try await writer.update(CanaryDocuments.removal(destinationPath: destination.spec.path ?? "", mode: destination.spec.filepathMode))
        } catch {
            logger.error("cannot remove canary files", metadata: ["destination": "\(destination.name)", "error": "\(error)"])
            await events.record(.warning("DestinationNotReady", "Failed to delete test documents from State Store: \(error)"), on: destination)
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        try await Finalizers.remove([KratixFinalizers.destinationCleanup], from: destination, client: client)
        return .done
    }

    private func storeExists(_ reference: StateStoreReference) async throws(ClientError) -> Bool {
        switch reference.kind {
        case .gitStateStore: return try await reader.get(GitStateStore.self, reference.name) != nil
        case .bucketStateStore: return try await reader.get(BucketStateStore.self, reference.name) != nil
        }
    }

    /// Writes the `Ready` condition without an event.
    private func writeReady(_ destination: Destination, _ condition: Condition) async throws -> SchedulingAPI.WriteOutcome<Destination> {
        var updated = destination
        var status = updated.status ?? DestinationStatus()
        var conditions = status.conditions ?? []
        guard conditions.set(condition) else { return .written(destination) }
        status.conditions = conditions
        updated.status = status
        return try await SchedulingAPI.updateStatus(client.api(Destination.self), updated)
    }

    /// Writes the `Ready` condition (when it changed) and records its event: every failure, and a
    /// transition to ready. Returns a requeue when the status write raced another writer.
    private func setReady(_ destination: Destination, _ condition: Condition, event: Bool = true) async throws -> ReconcileAction? {
        var updated = destination
        var status = updated.status ?? DestinationStatus()
        var conditions = status.conditions ?? []
        let changed = conditions.set(condition)
        if event && (condition.status == .false || changed) {
            await events.record(DestinationConditions.event(for: condition), on: destination)
        }
        guard changed else { return nil }
        status.conditions = conditions
        updated.status = status
        return try await SchedulingAPI.updateStatus(client.api(Destination.self), updated).lostAction
    }
}
