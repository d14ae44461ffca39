import Crypto
import Foundation
import SwiftASN1
import X509

/// A private certificate authority and the serving certificates it signs: what the embedded API
/// server and the manager's admission webhooks use when nobody hands them certificates (a real
/// cluster would use cert-manager or the cluster CA). P-256 keys, PEM out.
public struct SelfSignedCertificates: Sendable {
    /// A CA: its certificate and key, PEM.
    public struct Authority: Sendable, Equatable {
        public var certificatePEM: String
        public var privateKeyPEM: String

        public init(certificatePEM: String, privateKeyPEM: String) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    /// A serving certificate and its key, PEM, and when it stops being valid.
    public struct Serving: Sendable, Equatable {
        public var certificatePEM: String
        public var privateKeyPEM: String
        public var notValidAfter: Date
    }

    /// A new CA valid for `validity` from an hour ago (clock skew).
    public static func authority(commonName: String, validity: TimeInterval, now: Date = Date()) throws -> Authority {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        return Authority(certificatePEM: try certificate.serializeAsPEM().pemString + "\n", privateKeyPEM: key.pemRepresentation + "\n")
    }

    /// A serving certificate for `hosts` (IPv4 addresses or DNS names) signed by `authority`.
    public static func serving(commonName: String, hosts: [String], authority: Authority, validity: TimeInterval,
                               now: Date = Date()) throws -> Serving {
        let caCertificate = try Certificate(pemEncoded: authority.certificatePEM)
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: authority.privateKeyPEM)
        let key = P256.Signing.PrivateKey()
        let names: [GeneralName] = hosts.map { host in
            if let ip = IPv4Address(host) { return .ipAddress(ASN1OctetString(contentBytes: ip.bytes[...])) }
            return .dnsName(host)
        }
        let notValidAfter = now.addingTimeInterval(validity)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: notValidAfter,
            issuer: caCertificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
        return Serving(certificatePEM: try certificate.serializeAsPEM().pemString + "\n", privateKeyPEM: key.pemRepresentation + "\n",
                       notValidAfter: notValidAfter)
    }

    /// The PEM certificates of a bundle, each ending with its END line and a newline.
    public static func certificateBlocks(in pem: String) -> [String] {
        let end = "-----END CERTIFICATE-----"
        return pem.components(separatedBy: end).dropLast().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + end + "\n" }
    }

    /// When the first certificate in `pem` stops being valid, or nil when it does not parse.
    public static func notValidAfter(_ pem: String) -> Date? {
        try? Certificate(pemEncoded: pem).notValidAfter
    }
}

/// Just enough IPv4 parsing for subject alternative names.
struct IPv4Address {
    var bytes: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let b = UInt8(part) else { return nil }
            bytes.append(b)
        }
        self.bytes = bytes
    }
}
