import KratixAPI
import KubeClient
import KubeModel
import Logging

/// Records ``SchedulingEvent``s through the shared ``EventRecorder``. Recording never fails a
/// reconcile: an object that cannot be encoded is logged and skipped.
struct SchedulingEventSink: Sendable {
    let recorder: EventRecorder
    let logger: Logger

    func record(_ event: SchedulingEvent, on object: KubeObject) async {
        await recorder.record(object, type: event.type == .normal ? .normal : .warning, reason: event.reason, message: event.message)
    }

    func record<R: KratixResource>(_ event: SchedulingEvent, on object: R) async {
        do {
            await record(event, on: try KubeObject.encode(object))
        } catch {
            logger.warning("cannot record event", metadata: ["object": "\(R.apiKind)/\(object.name)", "reason": "\(event.reason)"])
        }
    }

    func record<R: KratixResource>(_ events: [SchedulingEvent], on object: R) async {
        for event in events { await record(event, on: object) }
    }
}
