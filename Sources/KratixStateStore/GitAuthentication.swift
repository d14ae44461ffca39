/// How the Git writer proves who it is. Secrets stay in memory and reach `git` only through its
/// environment or through files in a private (0700) directory outside the clone.
public enum GitAuthentication: Sendable, Equatable {
    /// No credentials (a `file://` URL, or a server that allows anonymous pushes).
    case none
    /// HTTPS basic auth; a token goes in `password`. Sent as a forced `Authorization` header.
    case basic(username: String, password: String)
    /// An SSH private key (PEM/OpenSSH text). With `knownHosts` the host key is checked strictly;
    /// without it any host key is accepted (only sensible for local development).
    case ssh(privateKey: String, knownHosts: String?)
    /// A GitHub App installation: a JWT signed with the app key is exchanged for a token.
    case gitHubApp(GitHubAppCredentials)

    /// Upstream's username rule: empty user on a GitHub URL becomes `x-access-token`.
    static func basicUsername(_ username: String?, url: String) -> String {
        let user = username ?? ""
        if user.isEmpty && url.lowercased().contains("github") { return "x-access-token" }
        return user
    }
}

/// What a GitHub App installation token is made from.
public struct GitHubAppCredentials: Sendable, Equatable {
    public var appID: String
    public var installationID: String
    /// PEM RSA key, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    public var privateKeyPEM: String
    /// Upstream's URL is fixed; tests point this at a local fake.
    public var apiBaseURL: String
    /// How long a token is reused at most (`KRATIX_GITHUB_APP_CREDS_EXPIRATION_DURATION`, 60 m).
    public var tokenLifetime: Duration
    /// Verify the API's TLS certificate (always, against GitHub; tests use a self-signed fake).
    public var verifyTLS: Bool

    public init(appID: String, installationID: String, privateKeyPEM: String,
                apiBaseURL: String = "https://api.github.com", tokenLifetime: Duration = .seconds(3600),
                verifyTLS: Bool = true) {
        self.verifyTLS = verifyTLS
        self.appID = appID
        self.installationID = installationID
        self.privateKeyPEM = privateKeyPEM
        self.apiBaseURL = apiBaseURL
        self.tokenLifetime = tokenLifetime
    }
}
