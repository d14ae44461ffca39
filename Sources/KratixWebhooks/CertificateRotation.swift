import Foundation
import HTTPServing

/// What the webhook certificate Secret should hold next (after open-policy-agent's cert-controller,
/// which controller-runtime users run instead of cert-manager): a CA of ten years and a serving
/// certificate of one, each replaced 90 days before it expires, or at once when the serving
/// certificate's names changed. While a replaced CA is still valid it stays in the bundle, so
/// replicas still serving the old certificate are trusted during the switch.
struct CertificateRotation: Sendable, Equatable {
    /// The Secret's contents (`ca.crt`, `ca.key`, `tls.crt`, `tls.key`) and the names the serving
    /// certificate was made for.
    struct Stored: Sendable, Equatable {
        var authority: SelfSignedCertificates.Authority
        var certificatePEM: String
        var privateKeyPEM: String
        var hosts: [String]
        /// CAs the API server should also trust (a replaced CA until it expires), PEM.
        var previousAuthorities: String
    }

    static let authorityValidity: TimeInterval = 3650 * 86_400
    static let servingValidity: TimeInterval = 365 * 86_400
    static let renewBefore: TimeInterval = 90 * 86_400

    enum Decision: Sendable, Equatable {
        /// Nothing to do.
        case keep
        /// A new serving certificate from the same CA.
        case renewServing
        /// A new CA and serving certificate.
        case renewAll
    }

    static func decide(_ stored: Stored?, hosts: [String], now: Date) -> Decision {
        guard let stored, let caExpiry = SelfSignedCertificates.notValidAfter(stored.authority.certificatePEM) else { return .renewAll }
        if caExpiry.timeIntervalSince(now) < renewBefore { return .renewAll }
        guard let expiry = SelfSignedCertificates.notValidAfter(stored.certificatePEM), !stored.privateKeyPEM.isEmpty else { return .renewServing }
        if expiry.timeIntervalSince(now) < renewBefore || stored.hosts.sorted() != hosts.sorted() { return .renewServing }
        return .keep
    }

    /// The next contents for `decision`.
    static func apply(_ decision: Decision, to stored: Stored?, hosts: [String], now: Date) throws -> Stored? {
        switch decision {
        case .keep:
            return nil
        case .renewServing:
            guard let stored else { return try apply(.renewAll, to: nil, hosts: hosts, now: now) }
            let serving = try SelfSignedCertificates.serving(commonName: hosts.first ?? "kratix-webhook", hosts: hosts,
                                                             authority: stored.authority, validity: servingValidity, now: now)
            return Stored(authority: stored.authority, certificatePEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM,
                          hosts: hosts, previousAuthorities: stillValid(stored.previousAuthorities, now: now))
        case .renewAll:
            let authority = try SelfSignedCertificates.authority(commonName: "kratix-webhook-ca", validity: authorityValidity, now: now)
            let serving = try SelfSignedCertificates.serving(commonName: hosts.first ?? "kratix-webhook", hosts: hosts,
                                                             authority: authority, validity: servingValidity, now: now)
            var previous = stored.map { stillValid($0.authority.certificatePEM, now: now) } ?? ""
            if let stored { previous += stillValid(stored.previousAuthorities, now: now) }
            return Stored(authority: authority, certificatePEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM,
                          hosts: hosts, previousAuthorities: previous)
        }
    }

    /// The PEM blocks of `pem` that have not expired.
    static func stillValid(_ pem: String, now: Date) -> String {
        SelfSignedCertificates.certificateBlocks(in: pem).filter { (SelfSignedCertificates.notValidAfter($0) ?? .distantPast) > now }.joined()
    }
}
