import AsyncHTTPClient
import Foundation
import _CryptoExtras

/// Turns GitHub App credentials into an installation token: an RS256 JWT (`iss` = app id,
/// `iat` = now − 60 s against clock skew, `exp` = now + 10 min) is exchanged at
/// `POST /app/installations/<id>/access_tokens`. The token is reused until the configured lifetime
/// or GitHub's own expiry (less a minute) runs out, so writes do not pay a round trip each.
public actor GitHubAppTokenSource {
    private let credentials: GitHubAppCredentials
    private let key: _RSA.Signing.PrivateKey
    private let now: @Sendable () -> Date
    private var cached: (token: String, validUntil: Date)?

    public init(_ credentials: GitHubAppCredentials, now: @escaping @Sendable () -> Date = { Date() }) throws(StateStoreError) {
        self.credentials = credentials
        self.now = now
        do {
            key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: credentials.privateKeyPEM)
        } catch {
            throw StateStoreError(.gitHubApp("privateKey is not a PEM RSA private key (PKCS#1 or PKCS#8): \(error)"))
        }
    }

    /// A process-lifetime client that skips certificate checks, only for `verifyTLS: false`. Like
    /// `HTTPClient.shared` it is never shut down.
    static let unverifiedClient = HTTPClient(eventLoopGroupProvider: .singleton,
                                             configuration: HTTPClient.Configuration(certificateVerification: .none))

    /// The signed JWT the exchange sends as a bearer token.
    public nonisolated func makeJWT(at date: Date) throws(StateStoreError) -> String {
        let issued = Int(date.timeIntervalSince1970) - 60
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let payload = #"{"iat":\#(issued),"exp":\#(issued + 60 + 600),"iss":"\#(jsonEscaped(credentials.appID))"}"#
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        do {
            let signature = try key.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
            return signingInput + "." + base64URL(Array(signature.rawRepresentation))
        } catch {
            throw StateStoreError(.gitHubApp("signing the JWT failed: \(error)"))
        }
    }

    /// A valid installation token, from the cache when possible.
    public func token() async throws(StateStoreError) -> String {
        let current = now()
        if let cached, cached.validUntil > current { return cached.token }
        let jwt = try makeJWT(at: current)
        let base = credentials.apiBaseURL.hasSuffix("/") ? String(credentials.apiBaseURL.dropLast()) : credentials.apiBaseURL
        let url = "\(base)/app/installations/\(credentials.installationID)/access_tokens"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(jwt)")
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        request.headers.add(name: "User-Agent", value: "kratix-swift")
        let status: UInt
        let body: [UInt8]
        do {
            let client = credentials.verifyTLS ? HTTPClient.shared : GitHubAppTokenSource.unverifiedClient
            let response = try await client.execute(request, timeout: .seconds(30))
            status = response.status.code
            body = Array(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            throw StateStoreError(.gitHubApp("POST \(url): \(error)"))
        }
        guard (200..<300).contains(status) else {
            let text = String(decoding: body.prefix(500), as: UTF8.self)
            throw StateStoreError(.gitHubApp("POST \(url) returned HTTP \(status): \(text)"))
        }
        struct Reply: Decodable { var token: String; var expires_at: String? }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(body)), !reply.token.isEmpty else {
            throw StateStoreError(.gitHubApp("POST \(url): the reply has no token"))
        }
        var validUntil = current.addingTimeInterval(Double(credentials.tokenLifetime.components.seconds))
        if let expiry = reply.expires_at.flatMap({ ISO8601DateFormatter().date(from: $0) }) {
            validUntil = min(validUntil, expiry.addingTimeInterval(-60))
        }
        cached = (reply.token, validUntil)
        return reply.token
    }
}

func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

private func jsonEscaped(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
