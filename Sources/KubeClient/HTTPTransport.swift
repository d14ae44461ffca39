import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends ``KubeRequest``s over one AsyncHTTPClient (its connection pool, HTTP/2 where the server
/// offers it, TLS through NIOSSL) with the client's policies around each attempt: the rate limiter,
/// credentials (refreshed once on 401), retries with backoff, metrics and a debug log line.
///
/// Logs carry method, path, status and duration; never headers or bodies.
final class HTTPTransport: Sendable {
    private let http: HTTPClient
    /// The server URL requests are sent to (its host is `tls-server-name` when one is set).
    private let baseURL: String
    /// `host:port` of the real server, for messages and metrics.
    let hostPort: String
    private let userAgent: String
    private let requestTimeout: Duration
    private let retryPolicy: RetryPolicy
    private let rateLimiter: RateLimiter
    private let credentials: CredentialSource
    private let metrics: RequestMetrics
    private let logger: Logger
    /// The largest response body read into memory (a list of many large objects fits).
    static let maximumBodySize = 1 << 30

    init(configuration: ClientConfiguration, logger: Logger, metricsFactory: (any MetricsFactory)?, execRunner: ExecPluginRunner) throws(ClientError) {
        guard let url = URL(string: configuration.server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw .configuration("server \"\(configuration.server)\" is not an http(s) URL with a host")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let bracketed = host.contains(":") ? "[\(host)]" : host
        hostPort = "\(bracketed):\(port)"

        let tls = try Self.tlsConfiguration(configuration.tls)
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            // Non-watch requests get a deadline per request; watches must be able to sit idle for as
            // long as the server keeps them open, so there is no read timeout.
            timeout: .init(connect: .seconds(10), read: nil),
            // Over HTTP/1.1 every open watch holds a connection for minutes; a controller process
            // watches a dozen resources or more, so AHC's default of 8 per host would starve
            // ordinary requests ("Get connection from pool timeout").
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256),
            decompression: .disabled)
        httpConfiguration.httpVersion = .automatic
        // Connection failures come back to the retry policy here, which knows the request was not sent.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        var base = configuration.server
        if let serverName = configuration.tls.serverName, !serverName.isEmpty, serverName != host {
            // Verify the certificate for `serverName` while connecting to the configured host.
            httpConfiguration.dnsOverride = [serverName: host]
            var components = URLComponents(string: configuration.server)
            components?.host = serverName
            base = components?.string ?? base
        }
        baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)

        userAgent = configuration.userAgent
        requestTimeout = configuration.requestTimeout
        retryPolicy = RetryPolicy(maxRetries: max(0, configuration.maxRetries))
        rateLimiter = RateLimiter(qps: configuration.qps, burst: configuration.burst)
        self.logger = logger
        metrics = RequestMetrics(host: hostPort, factory: metricsFactory)
        credentials = CredentialSource(
            credentials: configuration.credentials,
            cluster: .init(server: configuration.server, caPEM: configuration.tls.caPEM,
                           insecureSkipTLSVerify: configuration.tls.insecureSkipTLSVerify, serverName: configuration.tls.serverName),
            baseTLS: tls, runner: execRunner, logger: logger)
    }

    static func tlsConfiguration(_ settings: TLSSettings) throws(ClientError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // Closing a connection (an abandoned watch, shutdown) need not wait the default 5 s for the
        // server's close_notify: HTTP frames its own messages, and Go's client does not wait at all.
        tls.shutdownTimeout = .milliseconds(500)
        if let ca = settings.caPEM {
            let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(ca.utf8))
            guard let certificates, !certificates.isEmpty else {
                throw .configuration("certificate authority: not a PEM certificate bundle")
            }
            // Only the configured CA is trusted, as client-go does.
            tls.trustRoots = .certificates(certificates)
        }
        if let certificate = settings.clientCertificatePEM, let key = settings.clientKeyPEM {
            let chain = try? NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8))
            guard let chain, !chain.isEmpty else {
                throw .configuration("client certificate: not a PEM certificate")
            }
            // The key's parse error is not passed on: it is about the secret's bytes.
            guard let privateKey = try? NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem) else {
                throw .configuration("client key: not a PEM private key")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(privateKey)
        }
        if settings.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        }
        return tls
    }

    func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Requests

    /// Sends a request and reads the whole answer; non-2xx answers become ``ClientError``.
    func send(_ request: KubeRequest) async throws(ClientError) -> RawResponse {
        let (response, body) = try await perform(request, collectBody: true)
        return RawResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body ?? [])
    }

    /// Sends a request and returns as soon as a 2xx head arrives, with the body still streaming.
    func open(_ request: KubeRequest) async throws(ClientError) -> HTTPClientResponse {
        try await perform(request, collectBody: false).0
    }

    private func perform(_ request: KubeRequest, collectBody: Bool) async throws(ClientError) -> (HTTPClientResponse, [UInt8]?) {
        var attempt = 0
        var refreshedCredentials = false
        let label = "\(request.method.rawValue) \(request.path)"
        while true {
            do {
                try await rateLimiter.acquire()
            } catch {
                throw .transport("\(label) to \(hostPort): cancelled")
            }
            let authorization = try await credentials.authorization()
            let httpRequest = makeRequest(request, authorization)
            let started = ContinuousClock.now
            let failure: RetryPolicy.Failure
            do {
                let response = try await http.execute(httpRequest, deadline: deadline(for: request))
                let code = Int(response.status.code)
                let success = (200..<300).contains(code)
                var body: [UInt8]?
                if collectBody || !success {
                    body = Array(try await response.body.collect(upTo: Self.maximumBodySize).readableBytesView)
                }
                let elapsed = ContinuousClock.now - started
                metrics.record(request, code: String(code), duration: elapsed)
                logger.debug("request", metadata: Self.metadata(request, code: String(code), elapsed: elapsed, attempt: attempt))
                if success { return (response, body) }
                if code == 401, credentials.canRefresh, !refreshedCredentials {
                    refreshedCredentials = true
                    logger.debug("unauthorized; getting fresh credentials and trying once more", metadata: ["path": "\(request.path)"])
                    await credentials.invalidate()
                    continue
                }
                let headers = response.headers.map { ($0.name, $0.value) }
                let error = ClientError(statusCode: code, headers: headers, body: body ?? [])
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0, now: Date()) }
                failure = .response(error, retryAfter: retryAfter)
            } catch {
                let elapsed = ContinuousClock.now - started
                if Task.isCancelled { throw .transport("\(label) to \(hostPort): cancelled") }
                let classified = classify(error, request: request)
                metrics.record(request, code: "<error>", duration: elapsed)
                logger.debug("request failed", metadata: Self.metadata(request, code: "<error>", elapsed: elapsed, attempt: attempt)
                    .merging(["error": "\(classified.message)"]) { $1 })
                failure = .transport(classified)
            }
            guard let delay = retryPolicy.delay(method: request.method, failure: failure, attempt: attempt) else {
                switch failure {
                case .response(let error, _): throw error
                case .transport(let transport): throw .transport(transport.message)
                }
            }
            logger.debug("retrying", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.path)", "attempt": "\(attempt + 1)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw .transport("\(label) to \(hostPort): cancelled")
            }
            attempt += 1
        }
    }

    private static func metadata(_ request: KubeRequest, code: String, elapsed: Duration, attempt: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(request.path)", "code": "\(code)",
            "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        if attempt > 0 { metadata["attempt"] = "\(attempt)" }
        return metadata
    }

    private func deadline(for request: KubeRequest) -> NIODeadline {
        guard request.isWatch else { return .now() + Self.timeAmount(requestTimeout) }
        // A watch ends when the server's timeoutSeconds passes; the deadline is only a backstop
        // for a server that does not honour it.
        guard let seconds = request.queryValue("timeoutSeconds").flatMap(Int64.init) else { return .distantFuture }
        return .now() + .seconds(seconds + 60)
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    private func makeRequest(_ request: KubeRequest, _ authorization: CredentialSource.Authorization) -> HTTPClientRequest {
        var httpRequest = HTTPClientRequest(url: baseURL + request.target)
        httpRequest.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        httpRequest.headers.add(name: "User-Agent", value: userAgent)
        httpRequest.headers.add(name: "Accept", value: request.accept)
        for (name, value) in request.headers {
            if name.lowercased() == "user-agent" { httpRequest.headers.remove(name: name) }
            httpRequest.headers.add(name: name, value: value)
        }
        if let header = authorization.header { httpRequest.headers.add(name: "Authorization", value: header) }
        if let tls = authorization.tlsConfiguration { httpRequest.tlsConfiguration = tls }
        if let body = request.body {
            httpRequest.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            httpRequest.body = .bytes(body)
        }
        return httpRequest
    }

    /// Names the failure for a person (with host:port) and says whether the request may have been sent.
    func classify(_ error: any Error, request: KubeRequest) -> TransportFailure {
        let label = "\(request.method.rawValue) \(request.path)"
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return .notSent("cannot connect to \(hostPort): connect timed out")
            case .deadlineExceeded:
                return .permanent("\(label) to \(hostPort): no complete answer within \(requestTimeout)")
            case .remoteConnectionClosed, .readTimeout, .writeTimeout:
                return .interrupted("\(label) to \(hostPort): \(error.shortDescription)")
            case .alreadyShutdown:
                return .permanent("\(label): the client has been shut down")
            default:
                return .permanent("\(label) to \(hostPort): \(error.shortDescription)")
            }
        }
        if let error = error as? IOError {
            let reason = Self.errnoText(error.errnoCode)
            switch error.errnoCode {
            case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
                return .notSent("cannot connect to \(hostPort): \(reason)")
            default:
                return .interrupted("\(label) to \(hostPort): \(reason)")
            }
        }
        if let error = error as? ChannelError {
            if case .connectTimeout = error { return .notSent("cannot connect to \(hostPort): connect timed out") }
            return .interrupted("\(label) to \(hostPort): \(error)")
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return .permanent("TLS with \(hostPort) failed: \(error)")
        }
        // NIOPosix's NIOConnectionError (every address refused the connection) is not importable
        // here (this module depends on NIOCore only); it is recognised by its type name.
        if String(reflecting: type(of: error)).hasSuffix("NIOConnectionError") {
            let text = "\(error)"
            let reason = text.localizedCaseInsensitiveContains("connection refused") ? "connection refused" : text
            return .notSent("cannot connect to \(hostPort): \(reason)")
        }
        return .interrupted("\(label) to \(hostPort): \(error)")
    }

    /// `connection refused`, as Go prints it (strerror capitalises).
    private static func errnoText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
