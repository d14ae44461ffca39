import KubeModel

/// Sends an `AdmissionReview` to a webhook and returns the body of its answer: the seam between
/// admission (what is sent, what the answer means) and the network (HTTPS, certificates,
/// timeouts), so each is tested alone. ``HTTPSWebhookTransport`` is the real one.
protocol AdmissionWebhookTransport: Sendable {
    func post(_ body: [UInt8], to endpoint: WebhookEndpoint, timeout: Duration) async throws(WebhookCallFailure) -> [UInt8]
}

/// Where one call goes.
struct WebhookEndpoint: Sendable, Equatable {
    /// The URL the real server would post to (`https://svc.ns.svc:443/path?timeout=10s` for a
    /// Service), quoted in error messages as Go's HTTP client quotes it.
    var displayURL: String
    /// The URL really called: a Service's port is replaced by its `targetPort`.
    var url: String
    /// A Service's DNS name, which this server resolves to 127.0.0.1 (there is no cluster
    /// network); the serving certificate must still be valid for it.
    var resolvedHost: String?
    /// PEM certificates the webhook's serving certificate must chain to; empty: the system's.
    var caBundle: [UInt8]
}

/// A call that did not produce an answer: `cause` says why in the words Go's HTTP client uses
/// (`dial tcp 127.0.0.1:8443: connect: connection refused`, `context deadline exceeded`,
/// `tls: failed to verify certificate: x509: certificate signed by unknown authority`).
struct WebhookCallFailure: Error, Sendable, Equatable {
    var cause: String
    /// Set when the webhook answered with an HTTP error status instead of a review.
    var statusCode: Int?
}
