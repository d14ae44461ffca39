import Crypto
import Foundation
import SwiftASN1
import X509

/// The CA, serving certificate and bearer token of a local API server, created on first start and
/// kept in its data directory so clients configured once keep working across restarts.
public struct ServerCredentials: Sendable {
    public var caCertificatePEM: String
    public var certificatePEM: String
    public var privateKeyPEM: String
    /// The bearer token clients must send; anonymous requests get 401.
    public var token: String

    /// Loads the files from `directory`, creating any that are missing (files are written 0600).
    public static func loadOrCreate(in directory: String, hosts: [String] = ["127.0.0.1", "localhost"]) throws -> ServerCredentials {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }
        func write(_ name: String, _ text: String) throws {
            let p = path(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: p), options: .atomic)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: p)
        }
        if let ca = read("ca.crt"), let cert = read("apiserver.crt"), let key = read("apiserver.key"), let token = read("token") {
            return ServerCredentials(caCertificatePEM: ca, certificatePEM: cert, privateKeyPEM: key, token: token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let created = try generate(hosts: hosts)
        try write("ca.crt", created.caCertificatePEM)
        try write("apiserver.crt", created.certificatePEM)
        try write("apiserver.key", created.privateKeyPEM)
        try write("token", created.token + "\n")
        return created
    }

    /// A new CA (ten years) and a serving certificate for `hosts` (IP addresses or DNS names).
    public static func generate(hosts: [String]) throws -> ServerCredentials {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("kratix-apiserver-ca") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3650 * 86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        var names: [GeneralName] = []
        for host in hosts {
            if let ip = IPv4Address(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: ip.bytes[...])))
            } else {
                names.append(.dnsName(host))
            }
        }
        let san = SubjectAlternativeNames(names)
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3650 * 86_400),
            issuer: caName, subject: try DistinguishedName { CommonName("kratix-apiserver") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                san
            },
            issuerPrivateKey: .init(caKey))
        var tokenBytes = [UInt8](repeating: 0, count: 32)
        for i in tokenBytes.indices { tokenBytes[i] = UInt8.random(in: 0...255) }
        let token = tokenBytes.map { String(format: "%02x", $0) }.joined()
        return ServerCredentials(
            caCertificatePEM: try ca.serializeAsPEM().pemString + "\n",
            certificatePEM: try server.serializeAsPEM().pemString + "\n",
            privateKeyPEM: serverKey.pemRepresentation + "\n",
            token: token)
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
