import KubeClient
import ServiceLifecycle

/// Runs a queued ``EventRecorder``'s writers beside the controllers that record the Events, so a
/// reconcile never waits on an Event and the writes stop with the manager.
public final class EventDelivery: RunnableController {
    public let name = "events"
    let recorder: EventRecorder

    public init(recorder: EventRecorder) {
        self.recorder = recorder
    }

    /// Writes until cancelled; on a graceful shutdown, writes what is waiting and returns.
    public func run() async {
        let recorder = self.recorder
        await withGracefulShutdownHandler {
            await recorder.deliver()
        } onGracefulShutdown: {
            recorder.finishDelivery()
        }
    }
}
