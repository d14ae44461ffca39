import KubeClient
import KubeModel
import Logging

/// List, then watch from the list's resourceVersion, for as long as the task runs: a watch that ends
/// is resumed from the last version seen (bookmarks included), a `410 Gone` relists, and other
/// failures are retried after a back-off. (A small informer without a cache; the runtime's is not
/// used here.)
struct ResourceWatcher: Sendable {
    let client: KubeClient
    let resource: GroupVersionResource
    var labelSelector: String?
    var fieldSelector: String?
    let logger: Logger
    var retry = Backoff(initial: .milliseconds(500), maximum: .seconds(10))
    /// How long the server keeps one watch open.
    var watchTimeoutSeconds = 300

    /// Runs until cancelled. `relisted` gets every object after each (re)list; `event` every change.
    func run(relisted: @Sendable ([KubeObject]) async -> Void, event: @Sendable (WatchEvent) async -> Void) async {
        var resourceVersion: String?
        var failures = 0
        while !Task.isCancelled {
            if resourceVersion == nil {
                do {
                    let list = try await client.listAll(resource, options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector))
                    resourceVersion = list.resourceVersion
                    failures = 0
                    await relisted(list.items)
                } catch {
                    failures += 1
                    if Task.isCancelled { return }
                    logger.warning("list failed; retrying", metadata: ["resource": "\(resource)", "error": "\(error)"])
                    try? await Task.sleep(for: retry.delay(afterFailures: failures))
                    continue
                }
            }
            let options = WatchOptions(
                labelSelector: labelSelector, fieldSelector: fieldSelector, resourceVersion: resourceVersion,
                allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds)
            do {
                for try await change in client.watch(resource, options: options) {
                    if let version = change.resourceVersion, !version.isEmpty { resourceVersion = version }
                    failures = 0
                    if change.type == .bookmark { continue }
                    await event(change)
                }
            } catch let error as ClientError {
                if Task.isCancelled { return }
                if case .gone = error {
                    logger.debug("watch expired; relisting", metadata: ["resource": "\(resource)"])
                    resourceVersion = nil
                    continue
                }
                failures += 1
                logger.warning("watch failed; resuming", metadata: ["resource": "\(resource)", "error": "\(error)"])
                try? await Task.sleep(for: retry.delay(afterFailures: failures))
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("watch failed; resuming", metadata: ["resource": "\(resource)", "error": "\(error)"])
                try? await Task.sleep(for: retry.delay(afterFailures: failures))
            }
        }
    }
}
