import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// The request's ResourceBinding (revisions spec §1.6, §1.8): found by its labels, created or
/// brought up to date on every pass, its upgrade status following the request's workflow, and
/// removed by the request's `kratix.io/resource-binding-cleanup` finalizer.
extension ResourceRequestReconciler {
    /// Two bindings claim the same request.
    struct DuplicateBindingError: Error, CustomStringConvertible {
        var description: String
    }

    /// The value of `kratix.io/resource-name` for a request: its name, or a bounded derivation of
    /// it when the name is longer than a label value may be.
    static func resourceLabelValue(_ name: String) -> String {
        name.utf8.count <= 63 ? name : KratixObjectName.deterministic(name)
    }

    /// The labels that identify a request's binding (a binding is never found by its name).
    func bindingIdentity(_ request: KubeObject) -> [String: String] {
        [KratixLabels.promiseName: promiseName, KratixLabels.resourceName: Self.resourceLabelValue(request.name ?? "")]
    }

    /// The request's binding, or nil; more than one is an error.
    func binding(of request: KubeObject) async throws -> KubeObject? {
        let found = try await reader.list(Self.bindings, namespace: request.namespace, labels: bindingIdentity(request))
        guard found.count <= 1 else {
            throw DuplicateBindingError(description: "found multiple ResourceBindings for Resource \(request.name ?? "") in namespace \(request.namespace ?? "");there should be one ResourceBinding per Resource")
        }
        return found.first
    }

    /// §1.6, step 10 of a pass: the binding's labels are the request's (less the one-shot
    /// triggers) and its references point at the request; `spec.version` is only ever set when
    /// empty. A binding made here is announced with `BindingCreated`.
    func ensureBinding(for request: KubeObject, existing: KubeObject?) async throws -> KubeObject {
        if let existing {
            let wanted = try await bindingContent(existing, for: request)
            return wanted.json == existing.json ? existing : try await client.update(Self.bindings, wanted)
        }
        let name = KratixObjectName.deterministic("\(request.name ?? "")-\(promiseName)")
        let fresh = KubeObject(apiVersion: KratixGroup.apiVersion, kind: ResourceBinding.apiKind, name: name, namespace: request.namespace)
        let content = try await bindingContent(fresh, for: request)
        let created: KubeObject
        do {
            created = try await client.create(Self.bindings, content)
        } catch {
            // A binding of that name without the labels (or one this cache has not seen yet): adopted.
            guard case .alreadyExists = error,
                  let named = try await client.getOptional(Self.bindings, name: name, namespace: request.namespace) else { throw error }
            let wanted = try await bindingContent(named, for: request)
            return wanted.json == named.json ? named : try await client.update(Self.bindings, wanted)
        }
        let version = created.spec?["version"]?.stringValue ?? ""
        await events.record(request, type: .normal, reason: "BindingCreated",
                            message: "Binding \(created.name ?? name) created for promise \(promiseName) version \(version)")
        return created
    }

    private func bindingContent(_ binding: KubeObject, for request: KubeObject) async throws -> KubeObject {
        var binding = binding
        var labels = request.labels
        labels[KratixLabels.manualReconciliation] = nil
        labels[KratixLabels.runFromStart] = nil
        labels.merge(bindingIdentity(request)) { $1 }
        // A reconciliation the user asked for on the binding is the binding controller's to clear.
        if binding.labels[KratixLabels.manualReconciliation] == "true" { labels[KratixLabels.manualReconciliation] = "true" }
        binding.labels = labels
        var spec = binding.spec?.objectValue ?? [:]
        if (spec["version"]?.stringValue ?? "").isEmpty {
            spec["version"] = .string(try await initialBindingVersion(for: request))
        }
        spec["promiseRef"] = ["name": .string(promiseName)]
        spec["resourceRef"] = ["name": .string(request.name ?? ""), "namespace": .string(request.namespace ?? "")]
        binding.spec = .object(spec)
        return binding
    }

    /// The version a new binding starts with: the one the request's lost binding had, else the
    /// latest revision's under the `pinned` strategy, else `latest`.
    private func initialBindingVersion(for request: KubeObject) async throws -> String {
        if let previous = request.status?["resourceBindingVersion"]?.stringValue, !previous.isEmpty { return previous }
        if configuration.resourceBindingVersionStrategy == .pinned {
            return try await revisions.latestRevision().spec?["version"]?.stringValue ?? BindingUpgradeStatus.latest
        }
        return BindingUpgradeStatus.latest
    }

    /// Applies one of ``BindingUpgradeStatus``'s transitions to the binding's status and writes
    /// it when it changed. A conflict fails the pass, which is retried and recomputes the same
    /// transition from the request's status.
    func updateBindingStatus(_ binding: KubeObject?, _ transition: (inout BindingUpgradeStatus) -> Bool) async throws {
        guard var binding else { return }
        var upgrade = BindingUpgradeStatus(binding: binding)
        guard transition(&upgrade) else { return }
        binding.status = upgrade.json
        _ = try await client.updateStatus(Self.bindings, binding)
    }

    /// The deletion step of `kratix.io/resource-binding-cleanup`: every binding of the request goes.
    func removeBindings(of request: KubeObject) async throws {
        let found = try await reader.list(Self.bindings, namespace: request.namespace, labels: bindingIdentity(request))
        for binding in found where binding.deletionTimestamp == nil {
            try await client.deleteIfPresent(Self.bindings, name: binding.name ?? "", namespace: binding.namespace)
        }
    }
}
