import Foundation
import KubeClient
import KubeModel
import Logging
import Synchronization

/// Who may read `/metrics` when it is served securely (`--metrics-secure`, the default upstream):
/// the bearer token is checked with a TokenReview and the user with a SubjectAccessReview for
/// `get` on the path, as controller-runtime's `filters.WithAuthenticationAndAuthorization` does.
/// A scraper therefore needs a token of an account bound to a role with
/// `nonResourceURLs: ["/metrics"], verbs: ["get"]` (upstream's `metrics-reader`), and the manager
/// needs `create` on `tokenreviews` and `subjectaccessreviews` (upstream's `metrics-auth-role`).
///
/// Answers are kept for a short while, so a scrape every few seconds costs the API server two
/// requests per `ttl`, not per scrape. Tokens are cache keys only in memory and never logged.
public final class MetricsAuthorization: Sendable {
    let client: KubeClient
    let ttl: Duration
    let logger: Logger
    private let decisions = Mutex([String: (response: ProbeServer.Response?, expires: ContinuousClock.Instant)]())

    public init(client: KubeClient, ttl: Duration = .seconds(10), logger: Logger) {
        self.client = client
        self.ttl = ttl
        self.logger = logger
    }

    /// nil to serve the request; else the answer (401 or 403) to give instead.
    public func check(_ request: ProbeServer.Request) async -> ProbeServer.Response? {
        guard let header = request.authorization, header.hasPrefix("Bearer "), header.count > 7 else {
            return .text(401, "Unauthorized\n")
        }
        let token = String(header.dropFirst(7))
        let key = request.path + "\u{0}" + token
        let now = ContinuousClock.now
        if let cached = decisions.withLock({ $0[key] }), cached.expires > now { return cached.response }
        let response = await decide(token: token, path: request.path)
        decisions.withLock { cache in
            cache = cache.filter { $0.value.expires > now }
            cache[key] = (response, now.advanced(by: ttl))
        }
        return response
    }

    private func decide(token: String, path: String) async -> ProbeServer.Response? {
        let review: KubeObject
        do {
            var request = KubeObject(apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", name: "")
            request.json["metadata"] = .object([:])
            request.json["spec"] = .object(["token": .string(token)])
            review = try await client.create(.tokenReviews, request)
        } catch {
            logger.warning("metrics: the token could not be reviewed", metadata: ["error": "\(error)"])
            return .text(500, "Internal Server Error\n")
        }
        let status = review.json["status"]?.objectValue ?? [:]
        guard status["authenticated"]?.boolValue == true, let user = status["user"]?.objectValue else {
            return .text(401, "Unauthorized\n")
        }
        let name = user["username"]?.stringValue ?? ""
        var spec: JSONObject = [
            "user": .string(name),
            "nonResourceAttributes": .object(["path": .string(path), "verb": "get"]),
        ]
        if let groups = user["groups"] { spec["groups"] = groups }
        if let uid = user["uid"] { spec["uid"] = uid }
        if let extra = user["extra"] { spec["extra"] = extra }
        do {
            var access = KubeObject(apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", name: "")
            access.json["metadata"] = .object([:])
            access.json["spec"] = .object(spec)
            let answered = try await client.create(.subjectAccessReviews, access)
            if answered.json["status"]?["allowed"]?.boolValue == true { return nil }
        } catch {
            logger.warning("metrics: access could not be reviewed", metadata: ["user": "\(name)", "error": "\(error)"])
            return .text(500, "Internal Server Error\n")
        }
        return .text(403, "Authorization denied for user \(name)\n")
    }
}
