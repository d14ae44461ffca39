import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// Which PromiseRevision a request runs with (revisions spec §1.7): the one its ResourceBinding
/// names, or the latest. The revision's spec stands in for the Promise's for the whole pass.
extension ResourceRequestReconciler {
    static let bindings = ResourceBinding.groupVersionResource

    /// The outcome of the lookup at the start of a pass.
    struct RevisionChoice: Sendable {
        var revision: KubeObject
        /// The request's binding, when it has one.
        var binding: KubeObject?
        /// `spec.version` of the revision.
        var version: String { revision.spec?["version"]?.stringValue ?? "" }
        /// The binding's `spec.version`, `latest` without a binding.
        var bindingVersion: String { binding?.spec?["version"]?.stringValue ?? BindingUpgradeStatus.latest }

        /// The live Promise with the revision's spec (and its mirrored reconciliation interval and
        /// version): the workflows, destination selectors, pipeline namespace and interval of the
        /// version the request follows. The request's CRD stays the live one.
        func promise(from live: KubeObject) throws -> Promise {
            var object = live
            object.spec = revision.spec?["promiseSpec"] ?? live.spec
            var annotations = object.annotations
            annotations[KratixAnnotations.reconciliationInterval] = revision.annotations[KratixAnnotations.reconciliationInterval]
            object.annotations = annotations
            var labels = object.labels
            labels[KratixLabels.promiseVersion] = version
            object.labels = labels
            return try Promise(from: object.value)
        }
    }

    /// §1.7: the revision for this pass. A failed lookup is a Warning event on the request.
    func chooseRevision(for request: KubeObject) async throws -> RevisionChoice {
        let binding = try await self.binding(of: request)
        let status = request.status
        let promiseVersion = status?["promiseVersion"]?.stringValue ?? ""
        let wanted: String?
        if request.deletionTimestamp != nil {
            // The delete pipeline of the version the request was last configured with.
            let applied = promiseVersion.isEmpty ? binding.map { BindingUpgradeStatus(binding: $0).lastAppliedVersion } ?? "" : promiseVersion
            wanted = applied.isEmpty || applied == BindingUpgradeStatus.latest ? nil : applied
        } else if let version = binding?.spec?["version"]?.stringValue {
            wanted = version == BindingUpgradeStatus.latest ? nil : version
        } else {
            // Without a binding: the version it last ran with (its binding was lost), else latest.
            wanted = promiseVersion.isEmpty ? nil : promiseVersion
        }
        do {
            let revision: KubeObject
            if let wanted {
                revision = try await revisions.revision(at: wanted)
            } else {
                revision = try await revisions.latestRevision()
            }
            await events.record(request, type: .normal, reason: "ReconcileStarted",
                                message: "reconciling resource request with promise revision \(revision.name ?? "")")
            return RevisionChoice(revision: revision, binding: binding)
        } catch let error as PromiseRevisionLookup.LookupError {
            await events.record(request, type: .warning, reason: "FailedPromiseRevisionLookup", message: error.description)
            throw error
        }
    }

    var revisions: PromiseRevisionLookup { PromiseRevisionLookup(promiseName: promiseName, reader: reader) }
}
