import KubeModel
import Synchronization

/// The webhooks of the stored admission configurations, rebuilt by ``ObjectStore`` whenever one
/// is written, and read by every write without waiting for the store: with no configuration, a
/// write pays one lock and one `isEmpty` (the bench's creates per second stay as they were), and
/// a change takes effect on the very next request.
final class AdmissionWebhookRegistry: Sendable {
    private let webhooks = Mutex(AdmissionWebhookSet())

    var current: AdmissionWebhookSet { webhooks.withLock { $0 } }

    func replace(with set: AdmissionWebhookSet) {
        webhooks.withLock { $0 = set }
    }
}
