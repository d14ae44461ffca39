import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// The DryRun controller (revisions spec §2.3), started when `featureFlags.dryRun` is on: a DryRun
/// becomes an ephemeral request labelled `kratix.io/dry-run`, whose workflows run as previews (their
/// Works go to dry-run Destinations only); once they are done, a summary Work tells what the
/// proposed spec would change against the live request's output, and the DryRun is Completed.
/// A DryRun runs once; deleting it removes what it made (owner references).
///
/// A compound request's preview also previews its component requests, each by a child DryRun
/// (`+Components`, §2.5).
public struct DryRunReconciler: Sendable {
    public let client: KubeClient
    public let reader: any ObjectReader
    public var now: @Sendable () -> Date = { Date() }
    static let dryRuns = DryRun.groupVersionResource
    static let works = Work.groupVersionResource

    public init(client: KubeClient, reader: (any ObjectReader)? = nil) {
        self.client = client
        self.reader = reader ?? LiveReader(client: client)
    }

    struct DryRunError: Error, CustomStringConvertible {
        var description: String
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard var dryRun = try await reader.get(Self.dryRuns, name: key.name, namespace: key.namespace) else { return .done }
        var status = WorkflowStatusDocument(dryRun.status, conditionStyle: .metav1)
        // 1. Never run twice.
        if status.condition("Completed") != nil { return .done }
        let name = dryRun.name ?? "", namespace = dryRun.namespace ?? "default"
        // 2. The Promise and its API.
        let promiseName = dryRun.spec?["promiseRef"]?["name"]?.stringValue ?? ""
        let promiseObject: KubeObject?
        do {
            promiseObject = try await reader.get(Promise.groupVersionResource, name: promiseName, namespace: nil)
        } catch {
            throw DryRunError(description: "fetching promise \"\(promiseName)\": \(error)")
        }
        guard let promiseObject else { throw DryRunError(description: "fetching promise \"\(promiseName)\": not found") }
        guard let api = try PromiseAPI.make(for: Promise(from: promiseObject.value)) else {
            throw DryRunError(description: "promise \"\(promiseName)\" has no API to preview requests of")
        }
        // 3–4. The ephemeral request.
        let requestName = KratixObjectName.deterministic("kratix-dry-run-" + name)
        try await ensureEphemeralRequest(requestName, of: dryRun, api: api)
        guard let request = try await reader.get(api.resource, name: requestName, namespace: namespace) else { return .requeueAfter(.seconds(5)) }
        // 5–6. Its workflow's outcome.
        let requestStatus = WorkflowStatusDocument(request.status, conditionStyle: .clusterAPI)
        if let configure = requestStatus.condition(WorkflowPlanner.Conditions.configureWorkflowCompleted), configure.status == .false,
           configure.reason == WorkflowPlanner.Conditions.configureWorkflowFailed {
            return try await complete(dryRun, &status, .false, "PipelineFailed", configure.message ?? "")
        }
        guard let works = requestStatus.condition("WorksSucceeded") else { return .requeueAfter(.seconds(10)) }
        if works.status == .false {
            return try await complete(dryRun, &status, .false, "PipelineFailed", "pipeline failed: \(works.message ?? "")")
        }
        guard works.status == .true else { return .requeueAfter(.seconds(10)) }
        let proposed = try await proposedWorks(promise: promiseName, request: requestName, namespace: namespace)
        // 7. Compound components (§2.5): a child DryRun per component request, waited for up to 10 minutes.
        var children: [KubeObject] = []
        let components = try await componentRequests(in: proposed, namespace: namespace)
        if !components.isEmpty {
            for component in components { _ = try await ensureChild(component, of: dryRun) }
            children = try await reader.list(Self.dryRuns, namespace: namespace, labels: [KratixLabels.dryRunParent: name])
                .sorted { ($0.name ?? "") < ($1.name ?? "") }
            if children.count < components.count { return .requeueAfter(.seconds(2)) }
            let rows = Self.componentRows(children)
            let listed: JSONValue = .array(rows.map(\.json))
            if status.json["components"] != listed {
                status.json["components"] = listed
                var updated = dryRun
                updated.status = status.value
                // The pass goes on with what was written: a status write wakes no DryRun pass, and
                // the children may all have finished already.
                dryRun = try await client.updateStatus(Self.dryRuns, updated)
            }
            let created = dryRun.json["metadata"]?["creationTimestamp"]?.stringValue.flatMap(Timestamp.parse)
            let age = created.map { now().timeIntervalSince($0) } ?? 0
            if rows.contains(where: { $0.phase == "Pending" }), age < Self.componentTimeout { return .requeueAfter(.seconds(10)) }
        }
        // 8–9. The summary, then Completed.
        let own = try await summary(proposed, promise: promiseName, of: dryRun)
        var document = own.document
        if !children.isEmpty {
            let reference = dryRun.spec?["resourceRequestRef"]?["name"]?.stringValue ?? ""
            var text = "# Kratix Dry Run Summary\n\n## Compound request: `\(promiseName)` / `\(reference)`\n\n"
            for pipeline in own.pipelines.sorted(by: { $0.name < $1.name }) {
                text += "### Pipeline: `\(pipeline.name)`\n\n" + DryRunSummary.section(pipeline) + "\n"
            }
            for child in children { text += try await componentSection(child) }
            document = text
        }
        if let document {
            try await writeSummaryWork(document, promise: promiseName, request: requestName, of: dryRun)
        }
        if !children.isEmpty {
            let rows = Self.componentRows(children)
            status.json["components"] = .array(rows.map(\.json))
            let condition = Self.componentsCondition(rows)
            status.setCondition("ComponentsSucceeded", condition.status, reason: condition.reason, message: condition.message, now: now())
        }
        return try await complete(dryRun, &status, .true, "SummaryWritten", "Dry run completed; summary written to output repository")
    }

    /// Step 3: created, or brought up to date (labels kept, the dry-run ones added; spec replaced).
    private func ensureEphemeralRequest(_ requestName: String, of dryRun: KubeObject, api: PromiseAPI) async throws {
        let namespace = dryRun.namespace ?? "default"
        let existing = try await client.getOptional(api.resource, name: requestName, namespace: namespace)
        var request = existing ?? KubeObject(apiVersion: api.apiVersion, kind: api.kind, name: requestName, namespace: namespace)
        var labels = request.labels
        labels[KratixLabels.dryRun] = "true"
        labels[KratixLabels.dryRunOwner] = dryRun.name ?? ""
        request.labels = labels
        if let reference = dryRun.spec?["resourceRequestRef"]?["name"]?.stringValue, !reference.isEmpty {
            var annotations = request.annotations
            annotations[KratixAnnotations.dryRunResourceName] = reference
            annotations[KratixAnnotations.dryRunResourceNamespace] = dryRun.spec?["resourceRequestRef"]?["namespace"]?.stringValue ?? namespace
            request.annotations = annotations
        }
        var metadata = request.json["metadata"]?.objectValue ?? [:]
        metadata["ownerReferences"] = [[
            "apiVersion": .string(KratixGroup.apiVersion), "kind": .string(DryRun.apiKind), "name": .string(dryRun.name ?? ""),
            "uid": .string(dryRun.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]]
        request.json["metadata"] = .object(metadata)
        request.spec = dryRun.spec?["resource"] ?? [:]
        if existing == nil {
            _ = try await client.create(api.resource, request, namespace: namespace)
        } else if request.json != existing?.json {
            _ = try await client.update(api.resource, request)
        }
    }

    /// The preview's own Works (not its summary).
    func proposedWorks(promise: String, request: String, namespace: String) async throws -> [KubeObject] {
        try await reader.list(Self.works, namespace: namespace, labels: [
            KratixLabels.promiseName: promise, KratixLabels.resourceName: request, KratixLabels.dryRun: "true",
        ]).filter { $0.labels[KratixLabels.dryRunSummary] == nil }
    }

    /// The proposed files of each pipeline against the live request's.
    func summary(_ proposed: [KubeObject], promise: String, of dryRun: KubeObject) async throws -> DryRunSummary {
        let namespace = dryRun.namespace ?? "default"
        var live: [KubeObject] = []
        if let reference = dryRun.spec?["resourceRequestRef"]?["name"]?.stringValue, !reference.isEmpty {
            let liveNamespace = dryRun.spec?["resourceRequestRef"]?["namespace"]?.stringValue ?? namespace
            live = try await reader.list(Self.works, namespace: liveNamespace, labels: [KratixLabels.promiseName: promise, KratixLabels.resourceName: reference])
                .filter { $0.labels[KratixLabels.dryRun] != "true" }
        }
        var pipelines: [DryRunSummary.Pipeline] = []
        for work in proposed {
            let pipeline = work.labels[KratixLabels.pipelineName] ?? ""
            // When several live Works match, the last one listed wins, as upstream's loop does.
            let liveWork = live.last { $0.labels[KratixLabels.pipelineName] == pipeline }
            pipelines.append(.init(name: pipeline, proposed: try Self.files(work), live: try liveWork.map(Self.files) ?? [:]))
        }
        return DryRunSummary(pipelines: pipelines)
    }

    /// A Work's files, decompressed, by `filepath`.
    static func files(_ work: KubeObject) throws -> [String: String] {
        var out: [String: String] = [:]
        for group in work.spec?["workloadGroups"]?.arrayValue ?? [] {
            for workload in group["workloads"]?.arrayValue ?? [] {
                guard let path = workload["filepath"]?.stringValue else { continue }
                out[path] = String(decoding: try WorkloadContent.decode(workload["content"]?.stringValue ?? ""), as: UTF8.self)
            }
        }
        return out
    }

    /// §2.4: the summary Work, scheduled like the preview's own Works (to dry-run Destinations).
    private func writeSummaryWork(_ document: String, promise: String, request: String, of dryRun: KubeObject) async throws {
        let namespace = dryRun.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? KratixGroup.systemNamespace
        let name = KratixObjectName.deterministic("\(promise)-\(dryRun.name ?? "")-dry-run-summary")
        // A component's summary is named after its DryRun, so the parent's and its children's
        // files sit side by side on the dry-run Destination.
        let file = dryRun.labels[KratixLabels.dryRunParent] == nil ? "kratix-dry-run-summary.md" : "kratix-dry-run-summary-\(dryRun.name ?? "").md"
        try await Self.writeSummaryWork(document, name: name, namespace: namespace, promise: promise, request: request,
                                        owner: dryRun.name, file: file, client: client, reader: reader)
    }

    /// Creates or brings up to date a summary Work (§2.4, and §2.6's label-only one): labelled as
    /// the preview's Works plus `dry-run-summary` (and `dry-run-owner` for a DryRun's), one group
    /// of one file, `kratix-dry-run-summary.md`.
    static func writeSummaryWork(_ document: String, name: String, namespace: String, promise: String, request: String, owner: String?,
                                 file: String = "kratix-dry-run-summary.md", client: KubeClient, reader: any ObjectReader) async throws {
        var labels = [
            KratixLabels.promiseName: promise, KratixLabels.resourceName: request, KratixLabels.workType: "resource",
            KratixLabels.dryRun: "true", KratixLabels.dryRunSummary: "true",
        ]
        if let owner { labels[KratixLabels.dryRunOwner] = owner }
        let spec: JSONValue = [
            "promiseName": .string(promise), "resourceName": .string(request),
            "workloadGroups": [[
                "id": .string(KratixHash.md5Hex("dry-run-summary")), "directory": ".",
                "workloads": [["filepath": .string(file), "content": .string(WorkloadContent.encode(document))]],
            ]],
        ]
        guard var existing = try await reader.get(works, name: name, namespace: namespace) else {
            var work = KubeObject(apiVersion: KratixGroup.apiVersion, kind: Work.apiKind, name: name, namespace: namespace)
            work.labels = labels
            work.spec = spec
            _ = try await client.create(works, work, namespace: namespace)
            return
        }
        guard existing.spec != spec || existing.labels != labels else { return }
        existing.labels = labels
        existing.spec = spec
        _ = try await client.update(works, existing)
    }

    private func complete(_ dryRun: KubeObject, _ status: inout WorkflowStatusDocument, _ conditionStatus: Condition.Status,
                          _ reason: String, _ message: String) async throws -> ReconcileAction {
        status.setCondition("Completed", conditionStatus, reason: reason, message: message, now: now())
        var updated = dryRun
        updated.status = status.value
        _ = try await client.updateStatus(Self.dryRuns, updated)
        return .done
    }
}
