import KratixAPI
import KubeModel
import Testing
@testable import KratixControllers

@Suite("Destination selection (spec §4.2, §4.3)")
struct DestinationMatcherTests {
    struct ResolveCase: Sendable, CustomStringConvertible {
        var description: String
        var selectors: [WorkloadGroupScheduling]
        var dryRun = false
        var expected: [String: String]
    }

    static let resolveCases: [ResolveCase] = [
        ResolveCase(description: "no selectors", selectors: [], expected: [:]),
        ResolveCase(description: "promise wins over both workflows (upstream 'prioritises Promise scheduling')",
                    selectors: [SchedFixtures.selector(["env": "staging"], "resource-workflow"),
                                SchedFixtures.selector(["env": "dev"], "promise-workflow"),
                                SchedFixtures.selector(["env": "prod"], "promise")],
                    expected: ["env": "prod"]),
        ResolveCase(description: "order in the list does not matter",
                    selectors: [SchedFixtures.selector(["env": "prod"], "promise"),
                                SchedFixtures.selector(["env": "dev"], "promise-workflow"),
                                SchedFixtures.selector(["env": "staging"], "resource-workflow")],
                    expected: ["env": "prod"]),
        ResolveCase(description: "promise-workflow wins over resource-workflow",
                    selectors: [SchedFixtures.selector(["env": "dev"], "promise-workflow"),
                                SchedFixtures.selector(["env": "staging"], "resource-workflow")],
                    expected: ["env": "dev"]),
        ResolveCase(description: "non-conflicting keys are all kept (AND)",
                    selectors: [SchedFixtures.selector(["tier": "gold"], "resource-workflow"),
                                SchedFixtures.selector(["promise": "label"], "promise")],
                    expected: ["tier": "gold", "promise": "label"]),
        ResolveCase(description: "unknown sources rank with resource-workflow; the later one wins among equals",
                    selectors: [SchedFixtures.selector(["a": "1"], "something"),
                                SchedFixtures.selector(["a": "2"], "resource-workflow")],
                    expected: ["a": "2"]),
        ResolveCase(description: "dry-run replaces the map",
                    selectors: [SchedFixtures.selector(["env": "prod"], "promise")], dryRun: true,
                    expected: ["kratix.io/dry-run": "true"]),
    ]

    @Test(arguments: resolveCases)
    func resolvesSelectorPrecedence(_ c: ResolveCase) {
        let group = SchedFixtures.group(selectors: c.selectors)
        #expect(DestinationMatcher.resolvedSelector(for: group, dryRun: c.dryRun) == c.expected)
    }

    struct MatchCase: Sendable, CustomStringConvertible {
        var labels: [String: String]
        var selector: [String: String]
        var lenient: Bool
        var strict: Bool
        var description: String { "labels \(labels) selector \(selector)" }
    }

    /// The truth table of spec §4.3 (docs example).
    static let truthTable: [MatchCase] = [
        MatchCase(labels: [:], selector: [:], lenient: true, strict: true),
        MatchCase(labels: ["env": "dev"], selector: [:], lenient: true, strict: false),
        MatchCase(labels: ["env": "dev"], selector: ["env": "dev"], lenient: true, strict: true),
        MatchCase(labels: ["env": "dev", "zone": "eu"], selector: ["env": "dev"], lenient: true, strict: true),
        MatchCase(labels: ["env": "dev"], selector: ["env": "dev", "zone": "eu"], lenient: false, strict: false),
        MatchCase(labels: [:], selector: ["env": "dev"], lenient: false, strict: false),
        // A selector value of "" needs the label present with an empty value.
        MatchCase(labels: ["env": ""], selector: ["env": ""], lenient: true, strict: true),
        MatchCase(labels: [:], selector: ["env": ""], lenient: false, strict: false),
        MatchCase(labels: ["env": "Dev"], selector: ["env": "dev"], lenient: false, strict: false),
    ]

    @Test(arguments: truthTable)
    func matchesLikeTheTruthTable(_ c: MatchCase) {
        let lenient = SchedFixtures.destination("d", labels: c.labels, strict: false)
        let strict = SchedFixtures.destination("d", labels: c.labels, strict: true)
        #expect(DestinationMatcher.accepts(lenient, selector: c.selector) == c.lenient)
        #expect(DestinationMatcher.accepts(strict, selector: c.selector) == c.strict)
    }

    @Test func dropsTerminatingAndDryRunDestinationsAndSortsByName() throws {
        let destinations = [
            SchedFixtures.destination("zeta"),
            SchedFixtures.destination("alpha"),
            SchedFixtures.destination("going", deleting: true),
            SchedFixtures.destination("dry", labels: ["kratix.io/dry-run": "true"]),
        ]
        #expect(try DestinationMatcher.candidates(destinations, selector: [:], groupID: "g").map(\.name) == ["alpha", "zeta"])
        // Dry-run scheduling selects only dry-run Destinations (by the replaced selector).
        #expect(try DestinationMatcher.candidates(destinations, selector: ["kratix.io/dry-run": "true"], groupID: "g", dryRun: true)
            .map(\.name) == ["dry"])
        // Readiness is not consulted.
        var notReady = SchedFixtures.destination("not-ready")
        notReady.status = DestinationStatus()
        notReady.status?.conditions = [Condition(type: "Ready", status: .false, reason: "StateStoreNotReady")]
        #expect(try DestinationMatcher.candidates([notReady], selector: [:], groupID: "g").map(\.name) == ["not-ready"])
    }

    @Test(arguments: [
        (["bad key!": "x"], "key \"bad key!\""),
        (["env": "not valid"], "value \"not valid\""),
        (["/name": "x"], "prefix part must be non-empty"),
    ])
    func rejectsSelectorsKubernetesWouldNotParse(_ selector: [String: String], _ fragment: String) {
        do {
            _ = try DestinationMatcher.candidates([SchedFixtures.destination("a")], selector: selector, groupID: "5058f")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(fragment))
            #expect(error.description.contains("workloadGroup 5058f"))
        }
    }
}
