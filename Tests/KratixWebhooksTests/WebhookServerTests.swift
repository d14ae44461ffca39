import ChildProcesses
import Foundation
import HTTPServing
import KratixAPI
import KratixControllers
import KratixTestSupport
import KubeClient
import KubeModel
import KubeRuntime
import Testing
@testable import KratixWebhooks

/// The webhook server over HTTPS with a certificate the manager made and keeps in its Secret,
/// answered as the API server expects, and the certificate's rotation rules.
@Suite struct WebhookServerTests {
    @Test func reviewsAreAnsweredOverHTTPSWithTheManagersOwnCertificate() async throws {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: KratixGroup.systemNamespace))

            let certificate = ServingCertificate()
            let manager = WebhookCertificateManager(client: client, source: .selfManaged(hosts: ["127.0.0.1"]), certificate: certificate)
            try await manager.prepare()
            let secret = try #require(try await client.getOptional(.secrets, name: "webhook-server-cert", namespace: KratixGroup.systemNamespace))
            #expect(Set((secret.json["data"]?.objectValue ?? [:]).keys) == ["ca.crt", "ca.key", "tls.crt", "tls.key"])
            #expect(secret.json["type"] == "kubernetes.io/tls")
            // A second manager (another replica, or a restart) uses the same certificate.
            let again = ServingCertificate()
            try await WebhookCertificateManager(client: client, source: .selfManaged(hosts: ["127.0.0.1"]), certificate: again).prepare()
            #expect(again.certificatePEM == certificate.certificatePEM)
            // New names: a new serving certificate from the same CA.
            let renamed = ServingCertificate()
            try await WebhookCertificateManager(client: client, source: .selfManaged(hosts: ["127.0.0.1", "localhost"]), certificate: renamed).prepare()
            #expect(renamed.certificatePEM != certificate.certificatePEM)
            let renewedSecret = try #require(try await client.getOptional(.secrets, name: "webhook-server-cert", namespace: KratixGroup.systemNamespace))
            let stored = try #require(WebhookCertificateManager.stored(renewedSecret))
            #expect(stored.hosts == ["127.0.0.1", "localhost"])

            let handlers = KratixWebhookTable.handlers(client: client, reader: LiveReader(client: client), configuration: KratixConfiguration())
            let webhooks = try await WebhookServer.bind(.init(host: "127.0.0.1", port: 0), handlers: handlers, certificate: renamed)
            let serving = Task { try await webhooks.run() }
            defer { serving.cancel() }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try stored.authority.certificatePEM.write(toFile: "\(directory)/ca.crt", atomically: true, encoding: .utf8)
            let review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"DELETE",
                 "name":"demo-2888c","resource":{"group":"platform.kratix.io","version":"v1alpha1","resource":"promiserevisions"},
                 "userInfo":{"username":"jane"},"oldObject":{"apiVersion":"platform.kratix.io/v1alpha1","kind":"PromiseRevision",
                 "metadata":{"name":"demo-2888c"},"status":{"latest":true}}}}
                """
            try review.write(toFile: "\(directory)/review.json", atomically: true, encoding: .utf8)
            let curl = try #require(ChildProcess.which("curl"), "curl is needed")
            let base = "https://127.0.0.1:\(webhooks.port)"
            let answered = try await ChildProcess.run(curl, [
                "-sS", "--cacert", "\(directory)/ca.crt", "-H", "Content-Type: application/json", "--data-binary", "@\(directory)/review.json",
                "\(base)/validate-platform-kratix-io-v1alpha1-promiserevision",
            ], environment: [:], timeout: .seconds(30))
            #expect(answered.exitCode == 0, "\(answered.stderrText)")
            let body = try JSONParser.parse(Array(answered.stdoutText.utf8))
            #expect(body["kind"] == "AdmissionReview")
            #expect(body["response"]?["uid"] == "u-1")
            #expect(body["response"]?["allowed"] == false)
            #expect(body["response"]?["status"]?["message"] == "can not delete the latest PromiseRevision")
            #expect(body["response"]?["status"]?["code"] == 403)

            let unknown = try await ChildProcess.run(curl, [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", "\(directory)/ca.crt", "--data-binary", "{}", "\(base)/nowhere",
            ], environment: [:], timeout: .seconds(30))
            #expect(unknown.stdoutText == "404")
            // A certificate from another CA is not trusted: the server presents the manager's.
            let other = try SelfSignedCertificates.authority(commonName: "other", validity: 3600)
            try other.certificatePEM.write(toFile: "\(directory)/other.crt", atomically: true, encoding: .utf8)
            let untrusted = try await ChildProcess.run(curl, ["-sS", "--cacert", "\(directory)/other.crt", "--data-binary", "{}", "\(base)/nowhere"],
                                                       environment: [:], timeout: .seconds(30))
            #expect(untrusted.exitCode != 0)
        }
    }

    @Test func rotationRenewsBeforeExpiryAndKeepsTheOldCATrusted() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let hosts = ["svc.ns.svc"]
        #expect(CertificateRotation.decide(nil, hosts: hosts, now: now) == .renewAll)
        let first = try #require(try CertificateRotation.apply(.renewAll, to: nil, hosts: hosts, now: now))
        #expect(CertificateRotation.decide(first, hosts: hosts, now: now) == .keep)
        #expect(CertificateRotation.decide(first, hosts: hosts + ["other"], now: now) == .renewServing)
        // 300 days on, the one-year serving certificate is renewed, with the same CA.
        let later = now.addingTimeInterval(300 * 86_400)
        #expect(CertificateRotation.decide(first, hosts: hosts, now: later) == .renewServing)
        let renewed = try #require(try CertificateRotation.apply(.renewServing, to: first, hosts: hosts, now: later))
        #expect(renewed.authority == first.authority && renewed.certificatePEM != first.certificatePEM)
        // Near the CA's end, everything is new and the old CA stays in the bundle while valid.
        let nearEnd = now.addingTimeInterval(3600 * 86_400)
        #expect(CertificateRotation.decide(first, hosts: hosts, now: nearEnd) == .renewAll)
        let replaced = try #require(try CertificateRotation.apply(.renewAll, to: first, hosts: hosts, now: nearEnd))
        #expect(replaced.authority != first.authority)
        #expect(replaced.previousAuthorities.contains(first.authority.certificatePEM.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(CertificateRotation.stillValid(replaced.previousAuthorities, now: now.addingTimeInterval(3700 * 86_400)).isEmpty)
    }
}
