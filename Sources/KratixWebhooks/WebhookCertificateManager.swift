import Foundation
import HTTPServing
import KratixAPI
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Keeps the webhook server's certificate valid, so that installing Kratix needs no cert-manager.
///
/// `selfManaged`: the CA and serving certificate live in Secret `webhook-server-cert` (shared by
/// every replica: whoever finds it missing or near expiry writes a new one, a conflict means another
/// replica did), and the CA bundle is written into both webhook configurations. `directory`: the
/// certificate is read from files another tool writes (cert-manager's mounted Secret, upstream's
/// way), re-read when they change, and nothing is injected (cert-manager's cainjector does it).
public struct WebhookCertificateManager: Service {
    public enum Source: Sendable, Equatable {
        /// Names the serving certificate covers (the webhook Service's DNS names, and for
        /// `kratix dev` the loopback address).
        case selfManaged(hosts: [String])
        /// A directory with `tls.crt` and `tls.key`.
        case directory(String)
    }

    let client: KubeClient
    let namespace: String
    let source: Source
    let certificate: ServingCertificate
    let checkInterval: Duration
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    public init(client: KubeClient, namespace: String = KratixGroup.systemNamespace, source: Source, certificate: ServingCertificate,
                checkInterval: Duration = .seconds(3600), logger: Logger = Logger(label: "kratix.webhooks.certificates")) {
        self.client = client
        self.namespace = namespace
        self.source = source
        self.certificate = certificate
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// The DNS names of the webhook Service in `namespace`.
    public static func serviceHosts(namespace: String = KratixGroup.systemNamespace) -> [String] {
        let service = "\(KratixWebhookTable.serviceName).\(namespace).svc"
        return [service, "\(service).cluster.local"]
    }

    /// Makes sure a certificate is in place before the server accepts connections.
    public func prepare() async throws {
        try await refresh()
    }

    public func run() async throws {
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: checkInterval) }
            } catch {
                return
            }
            do {
                try await refresh()
            } catch {
                logger.error("cannot renew the webhook certificate", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Brings the serving certificate (and, self-managed, the Secret and CA bundles) up to date.
    func refresh() async throws {
        switch source {
        case .directory(let directory):
            let cert = try String(contentsOfFile: "\(directory)/tls.crt", encoding: .utf8)
            let key = try String(contentsOfFile: "\(directory)/tls.key", encoding: .utf8)
            if cert != certificate.certificatePEM {
                certificate.replace(certificatePEM: cert, privateKeyPEM: key)
                logger.info("webhook certificate loaded", metadata: ["directory": "\(directory)"])
            }
        case .selfManaged(let hosts):
            let stored = try await ensureSecret(hosts: hosts)
            if stored.certificatePEM != certificate.certificatePEM {
                certificate.replace(certificatePEM: stored.certificatePEM, privateKeyPEM: stored.privateKeyPEM)
            }
            try await injectCABundle(stored.authority.certificatePEM + stored.previousAuthorities)
        }
    }

    private static let hostsAnnotation = "kratix.io/webhook-certificate-hosts"

    /// The Secret's certificates, renewed and written back when due.
    func ensureSecret(hosts: [String]) async throws -> CertificateRotation.Stored {
        for _ in 0..<3 {
            let secret = try await client.getOptional(.secrets, name: KratixWebhookTable.secretName, namespace: namespace)
            let stored = secret.flatMap(Self.stored)
            let decision = CertificateRotation.decide(stored, hosts: hosts, now: now())
            guard let next = try CertificateRotation.apply(decision, to: stored, hosts: hosts, now: now()) else {
                if let stored { return stored }
                continue
            }
            var object = secret ?? KubeObject(apiVersion: "v1", kind: "Secret", name: KratixWebhookTable.secretName, namespace: namespace)
            object.json["type"] = "kubernetes.io/tls"
            object.json["data"] = .object([
                "ca.crt": .string(Data((next.authority.certificatePEM + next.previousAuthorities).utf8).base64EncodedString()),
                "ca.key": .string(Data(next.authority.privateKeyPEM.utf8).base64EncodedString()),
                "tls.crt": .string(Data(next.certificatePEM.utf8).base64EncodedString()),
                "tls.key": .string(Data(next.privateKeyPEM.utf8).base64EncodedString()),
            ])
            var annotations = object.annotations
            annotations[Self.hostsAnnotation] = hosts.joined(separator: ",")
            object.annotations = annotations
            do {
                if secret == nil {
                    _ = try await client.create(.secrets, object, namespace: namespace)
                } else {
                    _ = try await client.update(.secrets, object)
                }
                logger.info("webhook certificate written", metadata: ["secret": "\(namespace)/\(KratixWebhookTable.secretName)",
                                                                       "renewed": "\(decision)"])
                return next
            } catch {
                // Another replica wrote it first: use theirs.
                guard case .conflict = error else {
                    if case .alreadyExists = error { continue }
                    throw error
                }
            }
        }
        throw WebhookCertificateError(description: "the webhook certificate Secret \(namespace)/\(KratixWebhookTable.secretName) keeps changing while it is renewed")
    }

    /// Reads the Secret written by ``ensureSecret(hosts:)``; nil when it is not one.
    static func stored(_ secret: KubeObject) -> CertificateRotation.Stored? {
        func text(_ key: String) -> String? {
            secret.json["data"]?[key]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        guard let bundle = text("ca.crt"), let caKey = text("ca.key"), let cert = text("tls.crt"), let key = text("tls.key") else { return nil }
        // The bundle starts with the current CA; the rest are replaced CAs still trusted.
        let blocks = SelfSignedCertificates.certificateBlocks(in: bundle)
        guard let current = blocks.first else { return nil }
        let hosts = (secret.annotations[hostsAnnotation] ?? "").split(separator: ",").map(String.init)
        return CertificateRotation.Stored(authority: .init(certificatePEM: current, privateKeyPEM: caKey), certificatePEM: cert,
                                          privateKeyPEM: key, hosts: hosts, previousAuthorities: blocks.dropFirst().joined())
    }

    /// Writes the CA bundle into every webhook of both configurations (those not installed yet are
    /// skipped: the next check fills them in).
    func injectCABundle(_ pem: String) async throws {
        let bundle = Data(pem.utf8).base64EncodedString()
        let resources: [(GroupVersionResource, String)] = [
            (.mutatingWebhookConfigurations, KratixWebhookTable.mutatingConfigurationName),
            (.validatingWebhookConfigurations, KratixWebhookTable.validatingConfigurationName),
        ]
        for (resource, name) in resources {
            guard var configuration = try await client.getOptional(resource, name: name) else {
                logger.debug("webhook configuration not installed", metadata: ["name": "\(name)"])
                continue
            }
            var webhooks = configuration.json["webhooks"]?.arrayValue ?? []
            var changed = false
            for index in webhooks.indices {
                guard var webhook = webhooks[index].objectValue else { continue }
                var clientConfig = webhook["clientConfig"]?.objectValue ?? [:]
                if clientConfig["caBundle"]?.stringValue != bundle {
                    clientConfig["caBundle"] = .string(bundle)
                    webhook["clientConfig"] = .object(clientConfig)
                    webhooks[index] = .object(webhook)
                    changed = true
                }
            }
            guard changed else { continue }
            configuration.json["webhooks"] = .array(webhooks)
            _ = try await client.update(resource, configuration)
            logger.info("CA bundle written", metadata: ["configuration": "\(name)"])
        }
    }
}

/// The webhook certificate cannot be put in place.
public struct WebhookCertificateError: Error, CustomStringConvertible {
    public var description: String
}
