import KratixAPI
import KubeModel

/// Which Destinations a workload group may go to (spec §4.2 and §4.3).
///
/// Selectors from three sources are merged with precedence promise > promise-workflow >
/// resource-workflow, and a Destination matches when it carries every selected label with exactly
/// that value. Destination readiness is deliberately not consulted: a Destination that is not ready
/// still receives placements, and their writes wait for its store.
public enum DestinationMatcher {
    public static let promiseSource = "promise"
    public static let promiseWorkflowSource = "promise-workflow"
    public static let resourceWorkflowSource = "resource-workflow"

    /// The group's selectors merged into one map. Later (higher-precedence) sources overwrite
    /// earlier ones on the same key; keys that do not conflict are all kept (a logical AND).
    /// Dry-run scheduling replaces the whole map with `kratix.io/dry-run: "true"`.
    public static func resolvedSelector(for group: WorkloadGroup, dryRun: Bool = false) -> [String: String] {
        if dryRun { return [KratixLabels.dryRun: "true"] }
        func rank(_ source: String?) -> Int {
            switch source {
            case promiseSource: return 2
            case promiseWorkflowSource: return 1
            default: return 0 // resource-workflow and anything unknown
            }
        }
        let ordered = (group.destinationSelectors ?? []).enumerated()
            .sorted { (rank($0.element.source), $0.offset) < (rank($1.element.source), $1.offset) } // stable
            .map(\.element)
        var merged: [String: String] = [:]
        for selector in ordered {
            for (key, value) in selector.matchLabels ?? [:] { merged[key] = value }
        }
        return merged
    }

    /// Checks the resolved map the way `labels.Parse` would, so an unusable selector fails the
    /// group instead of silently matching every Destination.
    public static func validate(_ selector: [String: String], groupID: String) throws(SchedulingError) {
        for key in selector.keys.sorted() {
            if let problem = LabelValidation.keyProblem(key) {
                throw SchedulingError(.invalidSelector(groupID: groupID, detail: "key \"\(key)\": \(problem)"))
            }
            if let problem = LabelValidation.valueProblem(selector[key] ?? "") {
                throw SchedulingError(.invalidSelector(groupID: groupID, detail: "value \"\(selector[key] ?? "")\" of \"\(key)\": \(problem)"))
            }
        }
    }

    /// Whether one Destination may receive work selected by `selector`.
    public static func accepts(_ destination: Destination, selector: [String: String], dryRun: Bool = false) -> Bool {
        let labels = destination.metadata.labels ?? [:]
        if destination.metadata.isBeingDeleted { return false }
        for (key, value) in selector where labels[key] != value { return false }
        // A strict Destination takes only selected work, unless it has no labels to select by.
        if selector.isEmpty && destination.spec.isStrict && !labels.isEmpty { return false }
        // Ordinary work never goes to a dry-run Destination.
        if !dryRun && labels[KratixLabels.dryRun] == "true" { return false }
        return true
    }

    /// The Destinations a group may be placed on, sorted by name so choices are reproducible.
    public static func candidates(_ destinations: [Destination], selector: [String: String], groupID: String,
                                  dryRun: Bool = false) throws(SchedulingError) -> [Destination] {
        try validate(selector, groupID: groupID)
        return destinations.filter { accepts($0, selector: selector, dryRun: dryRun) }.sorted { $0.name < $1.name }
    }
}
