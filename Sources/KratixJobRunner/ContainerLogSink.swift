/// Where container output goes. The runner's sink appends it to the API server's `pods/log`
/// (``APIContainerLogSink``); tests collect it in memory.
///
/// Batches arrive in order, at most one in flight per container; the call is awaited, so a slow
/// sink slows the container's output rather than piling it up in memory. Errors are the sink's to
/// log: losing log lines must not fail a pod.
public protocol ContainerLogSink: Sendable {
    func append(_ bytes: [UInt8], pod: PodIdentity, container: String) async
}
