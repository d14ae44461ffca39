import Foundation
import HTTPServing

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
        let tenYears: TimeInterval = 3650 * 86_400
        let authority = try SelfSignedCertificates.authority(commonName: "kratix-apiserver-ca", validity: tenYears)
        let serving = try SelfSignedCertificates.serving(commonName: "kratix-apiserver", hosts: hosts, authority: authority, validity: tenYears)
        var tokenBytes = [UInt8](repeating: 0, count: 32)
        for i in tokenBytes.indices { tokenBytes[i] = UInt8.random(in: 0...255) }
        let token = tokenBytes.map { String(format: "%02x", $0) }.joined()
        return ServerCredentials(caCertificatePEM: authority.certificatePEM, certificatePEM: serving.certificatePEM,
                                 privateKeyPEM: serving.privateKeyPEM, token: token)
    }
}
