import Foundation
import Logging
import NIOSSL

/// Turns the configured ``Credentials`` into what each request carries, keeping what is expensive
/// to get: the token file's contents until the file changes, an exec plugin's result until it
/// expires. An actor because concurrent requests share those caches; one plugin run serves every
/// request that needs it meanwhile.
actor CredentialSource {
    /// What a request adds: the Authorization header, and a TLS configuration when an exec plugin
    /// returned a client certificate.
    struct Authorization: Sendable {
        var header: String?
        var tlsConfiguration: TLSConfiguration?
    }

    private let credentials: Credentials
    private let cluster: ExecCredential.ClusterInfo
    private let baseTLS: TLSConfiguration
    private let runner: ExecPluginRunner
    private let logger: Logger

    private var tokenFileCache: (token: String, stamp: FileStamp)?
    private var execCache: (credential: ExecCredential, authorization: Authorization)?
    private var execInFlight: Task<Result<Authorization, ClientError>, Never>?

    init(credentials: Credentials, cluster: ExecCredential.ClusterInfo, baseTLS: TLSConfiguration = .makeClientConfiguration(), runner: ExecPluginRunner = ExecPluginRunner(), logger: Logger) {
        self.credentials = credentials
        self.cluster = cluster
        self.baseTLS = baseTLS
        self.runner = runner
        self.logger = logger
    }

    /// Whether getting the credential again can help after a 401 (a rotated file, a new plugin run).
    nonisolated var canRefresh: Bool {
        switch credentials {
        case .tokenFile, .exec: return true
        case .none, .bearerToken, .basic: return false
        }
    }

    func authorization() async throws(ClientError) -> Authorization {
        switch credentials {
        case .none:
            return Authorization()
        case .bearerToken(let token):
            return Authorization(header: "Bearer \(token)")
        case .basic(let username, let password):
            return Authorization(header: "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())")
        case .tokenFile(let path):
            return Authorization(header: "Bearer \(try tokenFromFile(path))")
        case .exec(let config):
            return try await execAuthorization(config)
        }
    }

    /// Forgets cached credentials after the server rejected them.
    func invalidate() {
        tokenFileCache = nil
        execCache = nil
    }

    // MARK: Token file

    /// What identifies a version of the file without reading it.
    struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
    }

    private func tokenFromFile(_ path: String) throws(ClientError) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let stamp = FileStamp(modified: attributes?[.modificationDate] as? Date, size: (attributes?[.size] as? NSNumber)?.intValue)
        if let cached = tokenFileCache, cached.stamp == stamp, attributes != nil { return cached.token }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configuration("token file \(path): cannot be read (\(Kubeconfig.reason(error)))")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .configuration("token file \(path) is empty") }
        if tokenFileCache != nil { logger.debug("token file changed; using the new token", metadata: ["path": "\(path)"]) }
        tokenFileCache = (token, stamp)
        return token
    }

    // MARK: Exec plugin

    private func execAuthorization(_ config: ExecCredentialConfig) async throws(ClientError) -> Authorization {
        if let cached = execCache, cached.credential.isValid(at: Date()) { return cached.authorization }
        let task: Task<Result<Authorization, ClientError>, Never>
        if let running = execInFlight {
            task = running
        } else {
            task = Task { await self.runPlugin(config) }
            execInFlight = task
        }
        let result = await task.value
        if execInFlight == task { execInFlight = nil }
        return try result.get()
    }

    private func runPlugin(_ config: ExecCredentialConfig) async -> Result<Authorization, ClientError> {
        logger.debug("running exec credential plugin", metadata: ["command": "\(config.command)"])
        let credential: ExecCredential
        do {
            credential = try await runner.run(config, execInfo: ExecCredential.execInfo(config: config, cluster: cluster))
        } catch {
            logger.warning("exec credential plugin failed", metadata: ["error": "\(error)"])
            return .failure(error)
        }
        var authorization = Authorization()
        if let token = credential.token { authorization.header = "Bearer \(token)" }
        if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
            do {
                var tls = baseTLS
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
                authorization.tlsConfiguration = tls
            } catch {
                return .failure(.configuration("exec plugin \(config.command): status.clientCertificateData or clientKeyData is not valid PEM"))
            }
        }
        execCache = (credential, authorization)
        logger.debug("exec credential plugin succeeded", metadata: [
            "command": "\(config.command)",
            "expires": "\(credential.expiration.map(RFC3339.format) ?? "never")",
        ])
        return .success(authorization)
    }
}
