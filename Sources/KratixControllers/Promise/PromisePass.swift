import KratixAPI
import KubeModel

/// What the steps of one Promise reconcile share: the Promise as last written, what was parsed
/// from it once, and its status as the steps change it.
struct PromisePass: Sendable {
    /// The Promise as last read or written; each step hands the next one its own write's result.
    var object: KubeObject
    let promise: Promise
    /// The request API, when the Promise has one.
    let api: PromiseAPI?
    let configurePipelines: [PipelineResources]
    let periodic: PeriodicReconciliation
    var status: WorkflowStatusDocument
    /// Whether the Promise was Available when the pass began.
    let wasAvailable: Bool
    /// False while a required Promise is missing or unavailable (requests wait as Pending).
    var requirementsMet = true

    /// Parses what the pass needs; a Promise that cannot be served throws (and is rejected).
    init(_ object: KubeObject, promise: Promise, configuration: KratixConfiguration) throws {
        self.object = object
        self.promise = promise
        api = try PromiseAPI.make(for: promise)
        configurePipelines = try PipelineResources.build(for: PipelineRun.all(
            promise: promise, workflowType: .promise, action: .configure, object: object, configuration: configuration))
        // The resource workflows are checked now so that a bad one is reported on the Promise.
        _ = try PipelineRun.all(promise: promise, workflowType: .resource, action: .configure, object: object, configuration: configuration)
        periodic = PeriodicReconciliation(configuration, promise: promise)
        status = WorkflowStatusDocument(object.status, conditionStyle: .metav1)
        wasAvailable = status.availability == .available
    }

    /// The status in hand, on the object to write.
    var objectWithStatus: KubeObject {
        var object = object
        object.status = status.value
        return object
    }
}
