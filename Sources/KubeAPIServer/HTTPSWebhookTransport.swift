import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Calls webhooks over HTTPS with AsyncHTTPClient: the server certificate is verified against the
/// webhook's `caBundle` and the host name of its URL (a Service's `name.namespace.svc`), and the
/// call is abandoned after the webhook's `timeoutSeconds`. A refused connection fails at once, as
/// Go's does, instead of being retried until the timeout.
struct HTTPSWebhookTransport: AdmissionWebhookTransport {
    /// The most a webhook's answer may hold.
    static let maximumResponseBytes = 10 * 1024 * 1024

    func post(_ body: [UInt8], to endpoint: WebhookEndpoint, timeout: Duration) async throws(WebhookCallFailure) -> [UInt8] {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, */*")
        request.body = .bytes(ByteBuffer(bytes: body))
        var tls = TLSConfiguration.makeClientConfiguration()
        if !endpoint.caBundle.isEmpty {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(endpoint.caBundle))
            } catch {
                throw WebhookCallFailure(cause: "tls: failed to read the caBundle: \(error)")
            }
        }
        request.tlsConfiguration = tls
        let client = Self.client(resolving: endpoint.resolvedHost)
        let seconds = timeout.components.seconds
        do {
            let response = try await client.execute(request, timeout: .seconds(max(seconds, 1)))
            let bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
            let answer = Array(bytes.readableBytesView)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw WebhookCallFailure(
                    cause: "the server responded with the status code \(response.status.code) but did not return more information",
                    statusCode: Int(response.status.code))
            }
            return answer
        } catch let failure as WebhookCallFailure {
            throw failure
        } catch {
            throw WebhookCallFailure(cause: Self.describe(error, url: endpoint.url))
        }
    }

    /// Go's words for what went wrong.
    static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return "context deadline exceeded"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            let host = URLComponents(string: url)?.host ?? ""
            return "tls: failed to verify certificate: x509: certificate is not valid for \(host)"
        }
        if text.contains("connection refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            let components = URLComponents(string: url)
            return "dial tcp 127.0.0.1:\(components?.port ?? 443): connect: connection refused"
        }
        return text
    }

    /// One client per Service host name resolved to 127.0.0.1 (and one for URLs), kept for the
    /// life of the process as upstream keeps its webhook clients: connections are reused between
    /// calls. Each client's `dnsOverride` sends the Service's name to the loopback address while
    /// TLS still checks the certificate against that name.
    private static let clients = Mutex<[String: HTTPClient]>([:])

    static func client(resolving host: String?) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[host ?? ""] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.redirectConfiguration = .disallow
            if let host { configuration.dnsOverride = [host: "127.0.0.1"] }
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
            clients[host ?? ""] = client
            return client
        }
    }
}
