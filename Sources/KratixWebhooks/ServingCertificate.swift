import NIOSSL
import Synchronization

/// The webhook server's current certificate and key. Replaced on rotation; each new connection
/// builds its TLS context from what is here then.
public final class ServingCertificate: Sendable {
    private let current: Mutex<(certificatePEM: String, privateKeyPEM: String, context: NIOSSLContext?)>

    public init(certificatePEM: String = "", privateKeyPEM: String = "") {
        current = Mutex((certificatePEM, privateKeyPEM, nil))
    }

    /// Uses a new certificate from the next connection on.
    public func replace(certificatePEM: String, privateKeyPEM: String) {
        current.withLock { $0 = (certificatePEM, privateKeyPEM, nil) }
    }

    public var certificatePEM: String { current.withLock { $0.certificatePEM } }

    /// The TLS context for a new connection (built once per certificate).
    func context() throws -> NIOSSLContext {
        try current.withLock { state in
            if let context = state.context { return context }
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(state.certificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(state.privateKeyPEM.utf8), format: .pem)))
            tls.applicationProtocols = ["http/1.1"]
            let context = try NIOSSLContext(configuration: tls)
            state.context = context
            return context
        }
    }
}
