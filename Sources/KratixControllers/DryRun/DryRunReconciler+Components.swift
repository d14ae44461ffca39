import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

/// Compound Promises (revisions spec §2.5): the requests a compound request's preview would make
/// of other Promises are previewed too, each by a child DryRun the parent owns, and the parent's
/// summary gathers theirs. `Completed` stays True when a component fails; `ComponentsSucceeded`
/// tells consumers whether the whole preview is there.
extension DryRunReconciler {
    /// A component request found in the parent's preview output.
    struct ComponentRequest: Sendable, Equatable {
        var promise: String
        var name: String
        var namespace: String
        var spec: JSONValue
    }

    /// One row of `status.components`.
    struct ComponentRow: Sendable, Equatable {
        var promise: String
        var request: String
        var namespace: String
        var dryRun: String
        var phase: String
        var message: String?

        var json: JSONValue {
            var row: JSONObject = [
                "promise": .string(promise), "request": .string(request), "dryRun": .string(dryRun), "phase": .string(phase),
            ]
            if !namespace.isEmpty { row["namespace"] = .string(namespace) }
            if let message, !message.isEmpty { row["message"] = .string(message) }
            return .object(row)
        }
    }

    /// How long a parent waits for its components before summarising what it has.
    static let componentTimeout: TimeInterval = 600

    /// Every YAML document of the parent's non-summary preview Works that carries
    /// `kratix.io/parent-resource-name` and whose GVK an installed Promise serves. Documents that do
    /// not parse, and those no Promise serves, are skipped, as upstream does.
    func componentRequests(in works: [KubeObject], namespace: String) async throws -> [ComponentRequest] {
        var apis: [(promise: String, api: PromiseAPI)] = []
        for object in try await reader.list(Promise.groupVersionResource, namespace: nil, labels: [:]) {
            guard let promise = try? Promise(from: object.value), let api = try? PromiseAPI.make(for: promise) else { continue }
            apis.append((promise.name, api))
        }
        var found: [ComponentRequest] = []
        for work in works {
            for (_, content) in try Self.files(work).sorted(by: { $0.key < $1.key }) {
                guard let documents = try? YAMLReader.documents(in: content) else { continue }
                for document in documents {
                    guard let object = KubeObject(document.value), object.labels[KratixLabels.parentResourceName] != nil,
                          let served = apis.first(where: { $0.api.apiVersion == object.apiVersion && $0.api.kind == object.kind })
                    else { continue }
                    let component = ComponentRequest(
                        promise: served.promise, name: object.name ?? "",
                        namespace: object.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? namespace, spec: object.spec ?? [:])
                    if !found.contains(component) { found.append(component) }
                }
            }
        }
        return found
    }

    /// The child DryRun previewing `component`: created when missing, never changed after.
    func ensureChild(_ component: ComponentRequest, of parent: KubeObject) async throws -> String {
        let parentName = parent.name ?? "", namespace = parent.namespace ?? "default"
        let name = KratixObjectName.deterministic("\(parentName)-\(component.promise)-\(component.name)")
        if try await reader.get(Self.dryRuns, name: name, namespace: namespace) != nil { return name }
        var child = KubeObject(apiVersion: KratixGroup.apiVersion, kind: DryRun.apiKind, name: name, namespace: namespace)
        child.labels = [KratixLabels.dryRunParent: parentName, KratixLabels.promiseName: component.promise]
        child.json["metadata"]?["ownerReferences"] = [[
            "apiVersion": .string(KratixGroup.apiVersion), "kind": .string(DryRun.apiKind), "name": .string(parentName),
            "uid": .string(parent.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]]
        child.spec = [
            "promiseRef": ["name": .string(component.promise)],
            "resourceRequestRef": ["name": .string(component.name), "namespace": .string(component.namespace)],
            "resource": component.spec,
        ]
        do {
            _ = try await client.create(Self.dryRuns, child, namespace: namespace)
        } catch {
            if case .alreadyExists = error { return name } // made by a pass whose write the cache has not seen
            throw error
        }
        return name
    }

    /// `status.components`, one row per child sorted by name.
    static func componentRows(_ children: [KubeObject]) -> [ComponentRow] {
        children.sorted { ($0.name ?? "") < ($1.name ?? "") }.map { child in
            let completed = WorkflowStatusDocument(child.status, conditionStyle: .metav1).condition("Completed")
            let phase: String
            switch completed?.status {
            case .true?: phase = "Succeeded"
            case .false?: phase = "Failed"
            default: phase = "Pending"
            }
            return ComponentRow(
                promise: child.spec?["promiseRef"]?["name"]?.stringValue ?? "",
                request: child.spec?["resourceRequestRef"]?["name"]?.stringValue ?? "",
                namespace: child.spec?["resourceRequestRef"]?["namespace"]?.stringValue ?? "",
                dryRun: child.name ?? "", phase: phase, message: phase == "Failed" ? completed?.message : nil)
        }
    }

    /// `ComponentsSucceeded`: the first matching row of §2.5's table.
    static func componentsCondition(_ rows: [ComponentRow]) -> (status: Condition.Status, reason: String, message: String) {
        func list(_ phase: String) -> String {
            rows.filter { $0.phase == phase }.map { "\($0.promise)/\($0.request)" }.joined(separator: ", ")
        }
        if rows.contains(where: { $0.phase == "Failed" }) {
            return (.false, "ComponentDryRunFailed", "Preview is incomplete; these components failed: \(list("Failed"))")
        }
        if rows.contains(where: { $0.phase == "Pending" }) {
            return (.false, "ComponentDryRunIncomplete", "Preview is incomplete; these components did not finish within 10m0s: \(list("Pending"))")
        }
        return (.true, "AllComponentsSucceeded", "All component dry runs completed")
    }

    /// A child's part of the parent's summary (§2.4, "With children").
    func componentSection(_ child: KubeObject) async throws -> String {
        let promise = child.spec?["promiseRef"]?["name"]?.stringValue ?? ""
        let request = child.spec?["resourceRequestRef"]?["name"]?.stringValue ?? ""
        var out = "\n---\n\n## Component request: `\(promise)` / `\(request)`\n\n"
        let completed = WorkflowStatusDocument(child.status, conditionStyle: .metav1).condition("Completed")
        switch completed?.status {
        case .false?:
            return out + "> **Dry run failed.** \(completed?.message ?? "")\n"
        case .true?:
            break
        default:
            return out + "> **Dry run did not complete** within the timeout. No diff available for this component.\n"
        }
        let summaryName = KratixObjectName.deterministic("\(promise)-\(child.name ?? "")-dry-run-summary")
        guard let work = try await reader.get(Self.works, name: summaryName, namespace: child.namespace ?? "default"),
              let text = try Self.files(work).values.first
        else { return out + "> No changes.\n" }
        var body = Substring(text)
        if body.hasPrefix("# Kratix Dry Run Summary\n\n") { body = body.dropFirst("# Kratix Dry Run Summary\n\n".count) }
        out += String(body).replacingOccurrences(of: "## Pipeline: ", with: "### Pipeline: ")
        return out
    }
}
