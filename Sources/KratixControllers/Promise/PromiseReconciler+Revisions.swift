import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// PromiseRevisions (revisions spec §1.3): every Promise pass keeps the revision of the Promise's
/// version a full copy of its spec, labelled latest and owned by the Promise.
extension PromiseReconciler {
    static let revisions = PromiseRevision.groupVersionResource
    /// The version of a Promise without the `kratix.io/promise-version` label.
    static let unversioned = "not-set"

    /// `processName(<promise>)-md5(<version>)[0:5]` (§1.2): `redis` at `v1.0.0` is `redis-2888c`.
    static func revisionName(promise: String, version: String) -> String {
        KratixObjectName.truncated(promise) + "-" + String(KratixHash.md5Hex(version).prefix(5))
    }

    /// Step 6 (§1.3 steps 2–6): the legacy-named revision goes; the revision of this version is
    /// created or brought up to date, and is the latest.
    func recordRevision(_ pass: inout PromisePass) async throws -> ReconcileAction? {
        let promiseName = pass.object.name ?? ""
        let label = pass.object.labels[KratixLabels.promiseVersion] ?? ""
        let version = label.isEmpty ? Self.unversioned : label
        try await removeLegacyRevision(named: "\(promiseName)-\(version)", promise: promiseName)

        let name = Self.revisionName(promise: promiseName, version: version)
        let existing = try await reader.get(Self.revisions, name: name, namespace: nil)
        var revision = existing ?? KubeObject(apiVersion: KratixGroup.apiVersion, kind: PromiseRevision.apiKind, name: name)
        var labels = revision.labels
        labels[KratixLabels.promiseName] = promiseName
        labels[KratixLabels.latestRevision] = "true"
        revision.labels = labels
        revision.spec = [
            "promiseRef": ["name": .string(promiseName)],
            "promiseSpec": pass.object.spec ?? [:],
            "version": .string(version),
        ]
        var metadata = revision.json["metadata"]?.objectValue ?? [:]
        metadata["ownerReferences"] = [[
            "apiVersion": .string(KratixGroup.apiVersion), "kind": .string(Promise.apiKind), "name": .string(promiseName),
            "uid": .string(pass.object.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]]
        revision.json["metadata"] = .object(metadata)
        if pass.object.labels[KratixLabels.promiseReleaseName] == nil {
            var annotations = revision.annotations
            annotations[KratixAnnotations.reconciliationInterval] = nil
            if let interval = pass.object.annotations[KratixAnnotations.reconciliationInterval] {
                if let duration = GoDuration.parse(interval), duration >= Duration.seconds(60) {
                    annotations[KratixAnnotations.reconciliationInterval] = interval
                } else {
                    logger.warning("Promise reconciliation-interval annotation declined; not mirrored onto revision",
                                   metadata: ["promise": "\(promiseName)", "interval": "\(interval)"])
                }
            }
            revision.annotations = annotations
        }
        guard let existing else {
            let created = try await client.create(Self.revisions, revision)
            await events.record(pass.object, type: .normal, reason: "RevisionCreated", message: "Revision \(created.name ?? name) created")
            return nil
        }
        if revision.json != existing.json {
            _ = try await client.update(Self.revisions, revision)
        }
        return nil
    }

    /// §1.3 step 3: a revision named in the old `<promise>-<version>` form is replaced; it is
    /// marked so that its deletion removes no request.
    private func removeLegacyRevision(named name: String, promise: String) async throws {
        guard var legacy = try await reader.get(Self.revisions, name: name, namespace: nil),
              legacy.labels[KratixLabels.promiseName] == promise || legacy.spec?["promiseRef"]?["name"]?.stringValue == promise
        else { return }
        // The new name is `<promise>-<5 hex>`: a legacy name that happens to look the same is the new one.
        guard name != Self.revisionName(promise: promise, version: legacy.spec?["version"]?.stringValue ?? "") else { return }
        var annotations = legacy.annotations
        annotations[KratixAnnotations.skipResourceRequestCleanupOnDelete] = "true"
        legacy.annotations = annotations
        var labels = legacy.labels
        labels[KratixLabels.latestRevision] = nil
        legacy.labels = labels
        _ = try await client.update(Self.revisions, legacy)
        _ = try await client.delete(Self.revisions, name: name)
    }

    /// Whether the revision of the Promise's current version is the one requests see as latest.
    func currentRevisionIsLatest(_ object: KubeObject) async throws -> Bool {
        let label = object.labels[KratixLabels.promiseVersion] ?? ""
        let name = Self.revisionName(promise: object.name ?? "", version: label.isEmpty ? Self.unversioned : label)
        return try await reader.get(Self.revisions, name: name, namespace: nil)?.status?["latest"]?.boolValue == true
    }

    /// The versions a Promise has revisions at (§1.11: any of them meets a requirement).
    func revisionVersions(of promise: String) async throws -> Set<String> {
        try await PromiseRevisionLookup(promiseName: promise, reader: reader).versions()
    }
}
