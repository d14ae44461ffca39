import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// The PromiseRevision controller (revisions spec §1.4, §1.10): one latest revision per Promise,
/// mirrored into `status.latest`; a deleted revision takes the requests pinned to its version
/// with it. Its steps, in upstream's order, each end the pass after one write.
public struct PromiseRevisionReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    let logger: Logger
    static let revisions = PromiseRevision.groupVersionResource
    static let bindings = ResourceBinding.groupVersionResource

    public init(client: KubeClient, reader: (any ObjectReader)? = nil, logger: Logger = Logger(label: "kratix.controller.promiserevision")) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
        self.logger = logger
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let found: KubeObject?
        do {
            found = try await reader.get(Self.revisions, name: key.name, namespace: nil)
        } catch {
            return .requeueAfter(.seconds(15))
        }
        guard var revision = found else { return .done }
        if revision.deletionTimestamp != nil { return try await delete(revision) }

        let skipCleanup = revision.annotations[KratixAnnotations.skipResourceRequestCleanupOnDelete] == "true"
        if !skipCleanup && !revision.finalizers.contains(KratixFinalizers.resourceRequestCleanup) {
            do {
                _ = try await Finalizers.add([KratixFinalizers.resourceRequestCleanup], to: revision, resource: Self.revisions, client: client)
            } catch {
                if case .conflict = error { return .requeueAfter(.seconds(5)) }
                throw error
            }
            return .done
        }
        let promise = revision.spec?["promiseRef"]?["name"]?.stringValue ?? ""
        if revision.labels[KratixLabels.promiseName] == nil {
            var labels = revision.labels
            labels[KratixLabels.promiseName] = promise
            revision.labels = labels
            _ = try await client.update(Self.revisions, revision)
            return .done
        }
        let latest = revision.status?["latest"]?.boolValue == true
        guard revision.labels[KratixLabels.latestRevision] == "true" else {
            if latest { try await setLatest(revision, false) }
            return .done
        }
        if latest { return .done }
        // This revision is the latest: every other revision of the Promise loses the label.
        let promiseName = revision.labels[KratixLabels.promiseName] ?? promise
        for var other in try await reader.list(Self.revisions, namespace: nil, labels: [KratixLabels.promiseName: promiseName])
        where other.name != revision.name {
            var labels = other.labels
            labels[KratixLabels.latestRevision] = nil
            other.labels = labels
            _ = try await client.update(Self.revisions, other)
        }
        try await setLatest(revision, true)
        return .done
    }

    private func setLatest(_ revision: KubeObject, _ latest: Bool) async throws {
        // `latest` is omitted when false, as upstream's `omitempty` writes it.
        _ = try await client.patch(Self.revisions, name: revision.name ?? "", .merge(["status": ["latest": latest ? true : .null]]), subresource: "status")
    }

    /// §1.10: the requests whose bindings name this revision's version go (or, when a request is
    /// already gone, its binding); the finalizer goes once none is left.
    private func delete(_ revision: KubeObject) async throws -> ReconcileAction {
        guard revision.finalizers.contains(KratixFinalizers.resourceRequestCleanup) else { return .done }
        if revision.annotations[KratixAnnotations.skipResourceRequestCleanupOnDelete] == "true" {
            _ = try await Finalizers.remove([KratixFinalizers.resourceRequestCleanup], from: revision, resource: Self.revisions, client: client)
            return .done
        }
        let promiseName = revision.labels[KratixLabels.promiseName] ?? revision.spec?["promiseRef"]?["name"]?.stringValue ?? ""
        let version = revision.spec?["version"]?.stringValue ?? ""
        let bindings = try await client.listAll(Self.bindings, options: ListOptions(labelSelector: "\(KratixLabels.promiseName)=\(promiseName)")).items
            .filter { $0.spec?["version"]?.stringValue == version }
        guard !bindings.isEmpty else {
            _ = try await Finalizers.remove([KratixFinalizers.resourceRequestCleanup], from: revision, resource: Self.revisions, client: client)
            return .done
        }
        // The requests' kind: from the live Promise, or from the revision's copy when it is gone.
        let spec = try await reader.get(Promise.groupVersionResource, name: promiseName, namespace: nil)?.spec ?? revision.spec?["promiseSpec"]
        let api: PromiseAPI?
        do {
            api = try PromiseAPI.make(for: Promise(from: ["apiVersion": .string(KratixGroup.apiVersion), "kind": "Promise",
                                                          "metadata": ["name": .string(promiseName)], "spec": spec ?? [:]]))
        } catch {
            logger.warning("cannot work out the requests' kind of a deleted revision", metadata: ["revision": "\(revision.name ?? "")", "error": "\(error)"])
            api = nil
        }
        for binding in bindings {
            let request = binding.spec?["resourceRef"]
            let name = request?["name"]?.stringValue ?? ""
            let namespace = request?["namespace"]?.stringValue ?? binding.namespace
            if let api, try await client.getOptional(api.resource, name: name, namespace: namespace) != nil {
                _ = try await client.delete(api.resource, name: name, namespace: namespace)
            } else {
                _ = try await client.delete(Self.bindings, name: binding.name ?? "", namespace: binding.namespace)
            }
        }
        return .requeueAfter(.seconds(5))
    }
}
