import Foundation
import KratixAPI
import KubeModel
import Testing
@testable import KratixPipelineAdapter

/// The status writer's merge (§6.5), without an API server.
@Suite struct StatusMergeTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static let existing: JSONObject = [
        "message": "Pending",
        "connection": ["host": "old", "port": 1],
        "conditions": [
            ["type": "Reconciled", "status": "Unknown", "reason": "WorkflowPending", "message": "Pending"],
            ["type": "Custom", "status": "False"],
        ],
        "kratix": ["workflows": ["suspendedGeneration": 2, "pipelines": [
            ["name": "first", "phase": "Succeeded"],
            ["name": "second", "phase": "Suspended", "message": "old", "attempts": 1, "nextRetryAt": "2023-01-01T00:00:00Z"],
        ]]],
    ]

    func merge(type: String = "resource", pipeline: String = "second", last: Bool = true, dryRun: Bool = false,
               incoming: JSONObject = [:], control: WorkflowControl = WorkflowControl()) throws -> StatusMerge.Result {
        try StatusMerge(workflowType: type, pipelineName: pipeline, isLastPipeline: last, dryRun: dryRun, generation: 3, now: Self.now)
            .apply(existing: Self.existing, incoming: incoming, control: control)
    }

    func pipeline(_ result: StatusMerge.Result, _ name: String) -> JSONValue? {
        result.status["kratix"]?["workflows"]?["pipelines"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    @Test func lastPipelineCompletesTheWorkflow() throws {
        let result = try merge(incoming: ["connection": ["user": "new"], "stage": "two",
                                          "conditions": [["type": "Custom", "status": "True"]]])
        #expect(result.status["message"] == "Resource requested")
        #expect(result.status["connection"] == ["user": "new"])  // shallow: replaced wholesale (§13.4)
        #expect(result.status["stage"] == "two")
        let conditions = result.status["conditions"]?.arrayValue ?? []
        #expect(conditions.compactMap { $0["type"]?.stringValue } == ["Reconciled", "Custom", "ConfigureWorkflowCompleted"])
        #expect(conditions[1] == ["type": "Custom", "status": "True"])
        #expect(conditions[2] == ["type": "ConfigureWorkflowCompleted", "status": "True", "reason": "PipelinesExecutedSuccessfully",
                                  "message": "Pipelines completed", "lastTransitionTime": "2023-11-14T22:13:20Z"])
        #expect(result.status["kratix"]?["workflows"]?["suspendedGeneration"] == nil)
        let entry = pipeline(result, "second")
        #expect(entry?["phase"] == "Running")
        #expect(entry?["message"] == nil)
        #expect(entry?["attempts"] == nil)
        #expect(entry?["nextRetryAt"] == nil)
        #expect(entry?["lastTransitionTime"] == "2023-11-14T22:13:20Z")
        #expect(!result.suspendWorkflow)
    }

    @Test func notTheLastPipeline() throws {
        let result = try merge(pipeline: "first", last: false)
        #expect(result.status["message"] == "Pending")
        #expect(result.status["conditions"]?.arrayValue?.count == 2)
        #expect(pipeline(result, "first")?["phase"] == "Running")
        #expect(result.status["kratix"]?["workflows"]?["suspendedGeneration"] == 2)
    }

    @Test func promiseMessageAndWarning() throws {
        let result = try merge(type: "promise", incoming: ["extra": 1, "message": "Pending"])
        #expect(result.status["message"] == "Promise configured")
        #expect(result.warnings.count == 1)
        #expect(result.warnings[0].contains("extra"))
    }

    @Test func aMessageThePipelineSetIsKept() throws {
        let result = try merge(incoming: ["message": "all good"])
        #expect(result.status["message"] == "all good")
    }

    @Test func retrySuspendsWithNextRetryAndAttempts() throws {
        let result = try merge(control: WorkflowControl(suspend: false, retryAfter: "10m", message: "waiting"))
        #expect(result.suspendWorkflow)
        #expect(result.status["message"] == "Pending")  // not marked complete
        #expect(!(result.status["conditions"]?.arrayValue ?? []).contains { $0["type"] == "ConfigureWorkflowCompleted" })
        let entry = pipeline(result, "second")
        #expect(entry?["phase"] == "Suspended")
        #expect(entry?["message"] == "waiting")
        #expect(entry?["attempts"] == 2)
        #expect(entry?["nextRetryAt"] == .string(Timestamp.format(Self.now.addingTimeInterval(600))))
        #expect(result.status["kratix"]?["workflows"]?["suspendedGeneration"] == 3)
    }

    @Test func suspendWithoutRetryDropsRetryKeys() throws {
        let result = try merge(pipeline: "first", control: WorkflowControl(suspend: true))
        let entry = pipeline(result, "first")
        #expect(entry?["phase"] == "Suspended")
        #expect(entry?["message"] == nil)
        #expect(entry?["attempts"] == nil)
        #expect(entry?["nextRetryAt"] == nil)
        #expect(result.suspendWorkflow)
    }

    @Test func dryRunForcesTheMessage() throws {
        #expect(try merge(dryRun: true).status["message"] == "Dry run executed")
    }

    @Test func unknownPipelineIsAnError() {
        #expect(throws: PipelineAdapterError.self) { try merge(pipeline: "third") }
    }

    @Test func invalidRetryAfterFailsNamingTheFile() {
        do {
            _ = try StatusMerge(workflowType: "resource", pipelineName: "second", isLastPipeline: true, generation: 1)
                .apply(existing: [:], incoming: [:], control: WorkflowControl(retryAfter: "1d"), controlFile: "/m/workflow-control.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/m/workflow-control.yaml")
            #expect(error.message.contains("1d"))
        }
    }

    @Test(arguments: [
        ("- a\n- b\n", "expected a map, found array"),
        ("just text\n", "expected a map, found string"),
        ("kratix: {x: 1}\n", "reserved"),
        ("a: [\n", ""),
    ])
    func badStatusFiles(text: String, message: String) {
        do {
            _ = try StatusMerge.parseIncoming(text, file: "/kratix/metadata/status.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/kratix/metadata/status.yaml")
            #expect(error.kind == .invalidPipelineOutput)
            #expect(message.isEmpty || error.message.contains(message), "\(error)")
        }
    }

    @Test func emptyStatusFileIsNoChange() throws {
        #expect(try StatusMerge.parseIncoming("", file: "s").isEmpty)
        #expect(try StatusMerge.parseIncoming("a: 1\n", file: "s") == ["a": 1])
    }

    @Test func workflowControlFile() throws {
        #expect(try WorkflowControl.parse("", file: "w") == WorkflowControl())
        #expect(try WorkflowControl.parse("suspend: true\nmessage: hold\n", file: "w") == WorkflowControl(suspend: true, message: "hold"))
        let retry = try WorkflowControl.parse("retryAfter: 1h30m\n", file: "w")
        #expect(retry.retries && retry.suspendsOrRetries)
        #expect(try retry.retryDelay(file: "w") == .seconds(5400))
        #expect(throws: PipelineAdapterError.self) { try WorkflowControl.parse("suspend: maybe\n", file: "w") }
        #expect(throws: PipelineAdapterError.self) { try WorkflowControl.parse("[1]\n", file: "w") }
    }
}
