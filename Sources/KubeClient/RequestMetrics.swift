import Metrics

/// client-go's REST client metrics, through swift-metrics (the process picks the backend):
/// `rest_client_requests_total{code,method,host}` and `rest_client_request_duration_seconds{verb}`;
/// and `kratix_rest_client_requests_total{verb,resource}`, which says what a controller reads and
/// writes (a reconcile that reads from its caches shows no `get` or `list` of their resources).
struct RequestMetrics: Sendable {
    let host: String
    /// `nil`: the process-wide `MetricsSystem.factory`, read at each record so a backend
    /// bootstrapped after the client was made still sees its requests.
    let factory: (any MetricsFactory)?

    /// One attempt's outcome; `code` is the HTTP status, or `<error>` when there was none.
    func record(_ request: KubeRequest, code: String, duration: Duration) {
        record(method: request.method, code: code, duration: duration)
        guard let verb = request.verb, let resource = request.resource else { return }
        Counter(label: "kratix_rest_client_requests_total", dimensions: [("verb", verb), ("resource", resource)],
                factory: factory ?? MetricsSystem.factory).increment()
    }

    func record(method: HTTPMethod, code: String, duration: Duration) {
        let dimensions = [("code", code), ("method", method.rawValue), ("host", host)]
        let timerDimensions = [("verb", method.rawValue)]
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        let factory = self.factory ?? MetricsSystem.factory
        Counter(label: "rest_client_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "rest_client_request_duration_seconds", dimensions: timerDimensions, preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(nanoseconds)
    }
}
