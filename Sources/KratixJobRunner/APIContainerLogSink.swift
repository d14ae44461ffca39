import KubeClient
import Logging
import Synchronization

/// Appends container output to the pod's log through the API server, so `kubectl logs` shows it.
///
/// POST to `pods/NAME/log?container=C` is the embedded API server's extension (a kubelet serves
/// logs itself); a server without it answers 404/405, which is reported once and then ignored.
public final class APIContainerLogSink: ContainerLogSink {
    let client: KubeClient
    let logger: Logger
    private let warned = Mutex(false)

    public init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func append(_ bytes: [UInt8], pod: PodIdentity, container: String) async {
        do {
            _ = try await client.request(
                .POST, path: "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)/log", query: [("container", container)],
                body: bytes, contentType: "text/plain")
        } catch .methodNotAllowed, .notFound {
            // The pod is gone, or the server does not take logs: nothing to keep them for.
            let first = warned.withLock { warned in
                defer { warned = true }
                return !warned
            }
            if first {
                logger.info("the API server does not store pod logs (pods/log POST refused); container output is not kept",
                            metadata: ["pod": "\(pod)"])
            }
        } catch {
            logger.warning("container output could not be stored", metadata: ["pod": "\(pod)", "container": "\(container)", "error": "\(error)"])
        }
    }
}
