import Foundation
import KratixAPI
import KubeClient
import KubeModel
import KubeRuntime

extension PromiseReconciler {
    // MARK: Requirements (§7.4)

    /// `nil` when the Promise has no requirements; otherwise whether all are installed (status updated in place).
    func evaluateRequirements(_ promise: Promise, _ status: inout WorkflowStatusDocument) async throws -> Bool? {
        let required = promise.spec.requiredPromises ?? []
        if required.isEmpty && status.requiredPromises.isEmpty { return nil }
        var entries: [RequiredPromiseStatus] = []
        var condition: (Condition.Status, String, String) = (.true, "RequirementsInstalled", "Requirements fulfilled")
        for requirement in required {
            let name = requirement.name ?? ""
            let state: String
            do {
                if let other = try await reader.get(resource, name: name, namespace: nil) {
                    try await recordRequiredBy(on: other, dependent: promise, requiredVersion: requirement.version)
                    let wanted = requirement.version ?? ""
                    if !wanted.isEmpty, try await !revisionVersions(of: name).contains(wanted) {
                        // Any revision at that version meets it, latest or not (§1.11).
                        state = "Requirement not installed at the specified version"
                        condition = (.false, "RequirementsNotInstalled", "Requirements not fulfilled")
                    } else if other.status?["status"]?.stringValue == "Available" {
                        state = "Requirement installed"
                    } else {
                        state = "Requirement not available"
                        condition = (.false, "RequirementsNotAvailable", "Requirements not fulfilled")
                    }
                } else {
                    state = "Requirement not installed"
                    condition = (.false, "RequirementsNotInstalled", "Requirements not fulfilled")
                }
            } catch {
                state = "Requirement state unknown"
                condition = (.false, "RequirementsNotInstalled", "Unable to determine if requirements are fulfilled")
            }
            entries.append(RequiredPromiseStatus(name: name, version: requirement.version, state: state))
        }
        status.requiredPromises = entries
        status.setCondition("RequirementsFulfilled", condition.0, reason: condition.1, message: condition.2, now: now())
        return condition.0 == .true
    }

    /// Writes or refreshes this Promise's `requiredBy` entry on a Promise it requires (§7.4), so
    /// operators see from either side what depends on what.
    func recordRequiredBy(on required: KubeObject, dependent: Promise, requiredVersion: String?) async throws {
        let entry: JSONValue = [
            "promise": ["name": .string(dependent.name), "version": .string(dependent.version)],
            "requiredVersion": .string(requiredVersion ?? ""),
        ]
        var entries = required.status?["requiredBy"]?.arrayValue ?? []
        if let index = entries.firstIndex(where: { $0[path: ["promise", "name"]]?.stringValue == dependent.name }) {
            guard entries[index] != entry else { return }
            entries[index] = entry
        } else {
            entries.append(entry)
        }
        _ = try await client.patch(resource, name: required.name ?? "", .merge(["status": ["requiredBy": .array(entries)]]), subresource: "status")
    }
}
