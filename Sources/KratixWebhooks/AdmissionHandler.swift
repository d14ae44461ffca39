/// One admission webhook's logic: a request in, a decision out. The HTTPS transport, the review
/// envelope and the certificates are the server's; handlers see only the request.
public protocol AdmissionHandler: Sendable {
    func admit(_ request: AdmissionRequest) async -> AdmissionResponse
}
