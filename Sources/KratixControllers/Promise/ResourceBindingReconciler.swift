import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// The ResourceBinding controller (revisions spec §1.8): when a binding asks for a version its
/// request is not at, the request is labelled for manual reconciliation (its workflow runs again
/// from the first pipeline, with the revision the binding names) and the binding says the upgrade
/// is in progress. A failed version is not retried until asked (the binding's
/// `kratix.io/manual-reconciliation` label), so a failing upgrade does not loop.
public struct ResourceBindingReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public var now: @Sendable () -> Date = { Date() }
    static let bindings = ResourceBinding.groupVersionResource

    /// A binding names a Promise or request that is not there (retried with backoff, as upstream).
    struct MissingReferenceError: Error, CustomStringConvertible {
        var description: String
    }

    public init(client: KubeClient, reader: (any ObjectReader)? = nil) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let found: KubeObject?
        do {
            found = try await reader.get(Self.bindings, name: key.name, namespace: key.namespace)
        } catch {
            return .requeueAfter(.seconds(15))
        }
        guard var binding = found else { return .done }
        let promiseName = binding.spec?["promiseRef"]?["name"]?.stringValue ?? ""
        let requestName = binding.spec?["resourceRef"]?["name"]?.stringValue ?? ""
        let requestNamespace = binding.spec?["resourceRef"]?["namespace"]?.stringValue ?? binding.namespace
        guard let promiseObject = try await reader.get(Promise.groupVersionResource, name: promiseName, namespace: nil) else {
            throw MissingReferenceError(description: "failed to get promise \(promiseName)")
        }
        guard let api = try PromiseAPI.make(for: Promise(from: promiseObject.value)),
              var request = try await reader.get(api.resource, name: requestName, namespace: requestNamespace) else {
            throw MissingReferenceError(description: "failed to get resource request \(requestName)")
        }

        // Unversioned Promises have no upgrade lifecycle.
        let requestVersion = request.status?["promiseVersion"]?.stringValue ?? ""
        guard !requestVersion.isEmpty, requestVersion != PromiseReconciler.unversioned else { return .done }

        var desired = binding.spec?["version"]?.stringValue ?? BindingUpgradeStatus.latest
        if desired == BindingUpgradeStatus.latest {
            let lookup = PromiseRevisionLookup(promiseName: promiseName, reader: reader)
            desired = try await lookup.latestRevision().spec?["version"]?.stringValue ?? ""
        }
        let manual = binding.labels[KratixLabels.manualReconciliation] == "true"
        var upgrade = BindingUpgradeStatus(binding: binding)
        let writeDue: Bool
        if manual {
            writeDue = true
        } else {
            if requestVersion == desired || upgrade.lastAttemptFailed(for: desired) { return .done }
            writeDue = !upgrade.advertisesUpgradeInProgress || upgrade.inFlightVersion != desired
        }

        if upgrade.inFlightVersion != desired {
            var labels = request.labels
            labels[KratixLabels.manualReconciliation] = "true"
            request.labels = labels
            _ = try await client.update(api.resource, request)
        }
        if manual {
            var labels = binding.labels
            labels[KratixLabels.manualReconciliation] = nil
            binding.labels = labels
            binding = try await client.update(Self.bindings, binding)
        }
        if writeDue {
            upgrade = BindingUpgradeStatus(binding: binding)
            upgrade.requestUpgrade(to: desired, manual: manual, now: now())
            binding.status = upgrade.json
            _ = try await client.updateStatus(Self.bindings, binding)
        }
        return .done
    }
}
