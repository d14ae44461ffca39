import Foundation
import KratixAPI
import KubeModel
import Testing
@testable import KratixControllers

/// §9: which interval applies, and when a finished workflow is due again.
@Suite struct PeriodicReconciliationTests {
    static func promise(annotation: String? = nil, spec: String? = nil) -> Promise {
        var promise = Promise(name: "p", spec: PromiseSpec(workflows: PromiseWorkflows(config: WorkflowsConfig(reconciliationInterval: spec))))
        if let annotation { promise.metadata.annotations = [KratixAnnotations.reconciliationInterval: annotation] }
        return promise
    }

    @Test(arguments: [
        (nil, nil, 36_000),            // the global default, 10 h
        (nil, "5m", 300),              // the Promise's workflows.config
        ("2m", "5m", 120),             // the annotation wins
        ("30s", "5m", 300),            // below a minute: ignored
        ("soon", nil, 36_000),         // unparsable: ignored
    ] as [(String?, String?, Int64)])
    func intervalResolution(annotation: String?, spec: String?, seconds: Int64) {
        let periodic = PeriodicReconciliation(KratixConfiguration(), promise: Self.promise(annotation: annotation, spec: spec))
        #expect(periodic.interval == .seconds(seconds))
    }

    @Test func dueOnlyAfterTheIntervalAndForFailuresOnlyWhenAllowed() {
        var configuration = KratixConfiguration()
        configuration.reconciliationInterval = .seconds(10)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        func status(_ value: String, _ reason: String, age: TimeInterval) -> WorkflowStatusDocument {
            WorkflowStatusDocument(["conditions": [[
                "type": "ConfigureWorkflowCompleted", "status": .string(value), "reason": .string(reason),
                "lastTransitionTime": .string(Timestamp.format(now.addingTimeInterval(-age))),
            ]]], conditionStyle: .clusterAPI)
        }
        var periodic = PeriodicReconciliation(configuration)
        #expect(!periodic.isDue(status("True", "PipelinesExecutedSuccessfully", age: 5), now: now))
        #expect(periodic.isDue(status("True", "PipelinesExecutedSuccessfully", age: 11), now: now))
        #expect(periodic.isDue(status("False", "ConfigureWorkflowFailed", age: 11), now: now))
        #expect(!periodic.isDue(WorkflowStatusDocument(.object([:]), conditionStyle: .clusterAPI), now: now))
        periodic.reconcileAfterFailure = false
        #expect(!periodic.isDue(status("False", "ConfigureWorkflowFailed", age: 11), now: now))
    }
}
