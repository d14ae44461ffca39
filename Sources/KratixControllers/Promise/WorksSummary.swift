import KratixAPI
import KubeModel

/// The Works of an object classified by their `Ready` condition's message (§7.7): the input of
/// `WorksSucceeded`, which feeds `Reconciled`.
struct WorksSummary: Sendable, Equatable {
    var failing: [String] = []
    var pending: [String] = []
    var misplaced: [String] = []

    init(_ works: [KubeObject]) {
        for work in works.sorted(by: { ($0.name ?? "") < ($1.name ?? "") }) {
            let ready = (work.status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
            let name = work.name ?? ""
            switch ready?["message"]?.stringValue {
            case "Failing": failing.append(name)
            case "Misplaced": misplaced.append(name)
            case "Ready": break
            default: pending.append(name)
            }
        }
    }

    /// The `WorksSucceeded` condition: status, reason, message. `separator` is `" "` for Promises
    /// (Go's default slice format) and `","` for resource requests.
    func condition(subject: String, separator: String) -> (Condition.Status, String, String) {
        func list(_ names: [String]) -> String { "[" + names.joined(separator: separator) + "]" }
        if !failing.isEmpty {
            let verb = subject == "promise" ? "are not ready" : "failed"
            return (.false, "WorksFailing", "Some works associated with this \(subject) \(verb): \(list(failing))")
        }
        if !pending.isEmpty { return (.unknown, "WorksPending", "Some works associated with this \(subject) are not ready: \(list(pending))") }
        if !misplaced.isEmpty { return (.false, "WorksMisplaced", "Some works associated with this \(subject) are misplaced: \(list(misplaced))") }
        return (.true, "WorksSucceeded", "All works associated with this \(subject) are ready")
    }
}

/// `Reconciled` from `ConfigureWorkflowCompleted` and `WorksSucceeded` (§7.7).
enum ReconciledRule {
    static func evaluate(configure: Condition?, works: (Condition.Status, String, String)) -> (Condition.Status, String, String)? {
        if let configure, configure.status == .false {
            if configure.reason == "PipelinesInProgress" { return (.unknown, "WorkflowPending", "Pending") }
            return (.false, "ConfigureWorkflowFailed", "Failing")
        }
        switch works.0 {
        case .unknown: return (.unknown, "WorksPending", "Pending")
        case .false: return (.false, "WorksFailing", "Failing")
        default:
            guard configure?.status == .true else { return nil }
            return (.true, "Reconciled", "Reconciled")
        }
    }
}
