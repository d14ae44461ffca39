import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// Mirrors HealthRecords into `status.healthStatus` of the resource request they describe (spec §10).
public struct HealthRecordReconciler: Sendable {
    public let client: KubeClient
    let events: SchedulingEventSink
    let logger: Logger

    public init(client: KubeClient, events: EventRecorder, logger: Logger = Logger(label: "kratix.controller.healthrecord")) {
        self.client = client
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let records = client.api(HealthRecord.self, namespace: key.namespace)
        guard let record = try await records.getOptional(key.name) else { return .done }
        let found: (request: KubeObject?, resource: GroupVersionResource?)
        do {
            found = try await resourceRequest(for: record)
        } catch {
            logger.error("cannot read the resource of a HealthRecord", metadata: ["healthRecord": "\(key)", "error": "\(error)"])
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        let request = found.request
        let resource = found.resource

        if record.metadata.isBeingDeleted {
            return try await delete(record, request: request, resource: resource, records: records)
        }
        guard let request, let resource else {
            // Nothing to report on yet; the record is reconciled again when it changes.
            return .done
        }
        _ = try await Finalizers.add(KratixFinalizers.healthRecordCleanup, to: record, client: client)

        let all = try await client.api(HealthRecord.self).listAll().items
        let mine = HealthStatusSummary.records(all, forResource: request.name ?? "", namespace: request.namespace ?? "")
        let previousState = request.json["status"]?["healthStatus"]?["state"]?.stringValue
        let written = try await writeHealthStatus(HealthStatusSummary.healthStatus(for: mine), to: request, resource: resource)
        if !written { return .requeueAfter(SchedulingTimings.fastRequeue) }
        if let event = HealthStatusSummary.event(previousState: previousState, record: record) {
            await events.record(event, on: request)
        }
        return .done
    }

    private func delete(_ record: HealthRecord, request: KubeObject?, resource: GroupVersionResource?,
                        records: Api<HealthRecord>) async throws -> ReconcileAction {
        guard record.metadata.hasFinalizer(KratixFinalizers.healthRecordCleanup) else { return .done }
        if let request, let resource, HealthStatusSummary.lists(request.json["status"]?["healthStatus"], record: record) {
            // Recompute without this record (upstream forgets the resource filter here; we keep it).
            let all = try await client.api(HealthRecord.self).listAll().items
                .filter { !($0.name == record.name && $0.metadata.namespace == record.metadata.namespace) }
            let remaining = HealthStatusSummary.records(all, forResource: request.name ?? "", namespace: request.namespace ?? "")
            _ = try await writeHealthStatus(HealthStatusSummary.healthStatus(for: remaining), to: request, resource: resource)
            return .requeueAfter(SchedulingTimings.defaultRequeue)
        }
        try await Finalizers.remove([KratixFinalizers.healthRecordCleanup], from: record, client: client)
        return .done
    }

    /// The Promise's API (from its CRD) and the request the record names; nil when either is gone.
    private func resourceRequest(for record: HealthRecord) async throws -> (KubeObject?, GroupVersionResource?) {
        let promiseName = record.data.promiseRef?.name ?? ""
        guard let promise = try await client.api(Promise.self).getOptional(promiseName) else { return (nil, nil) }
        guard let resource = Self.resource(of: promise) else {
            throw SchedulingError(.invalidDocument(source: "Promise \(promiseName)", detail: "spec.api does not name a group, version and plural"))
        }
        let request = try await client.getOptional(resource, name: record.data.resourceRef?.name ?? "",
                                                  namespace: record.data.resourceRef?.namespace)
        return (request, resource)
    }

    /// The resource of a Promise's API: the CRD's group, its storage version (else the first
    /// served one) and its plural.
    static func resource(of promise: Promise) -> GroupVersionResource? {
        guard let api = promise.spec.api, let spec = api["spec"], let group = spec["group"]?.stringValue,
              let plural = spec["names"]?["plural"]?.stringValue ?? spec["names"]?["kind"]?.stringValue.map({ $0.lowercased() + "s" })
        else { return nil }
        let versions = spec["versions"]?.arrayValue ?? []
        let version = versions.first { $0["storage"]?.boolValue == true }
            ?? versions.first { $0["served"]?.boolValue == true } ?? versions.first
        guard let name = version?["name"]?.stringValue else { return nil }
        return GroupVersionResource(group: group, version: name, resource: plural)
    }

    /// Writes `status.healthStatus` through the status subresource; false on a conflict.
    private func writeHealthStatus(_ healthStatus: JSONValue, to request: KubeObject, resource: GroupVersionResource) async throws -> Bool {
        var updated = request
        var status = updated.json["status"]?.objectValue ?? [:]
        status["healthStatus"] = healthStatus
        updated.json["status"] = .object(status)
        if case .written = try await SchedulingAPI.updateStatus(client, resource, updated) { return true }
        return false
    }
}
