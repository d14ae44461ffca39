import KubeModel

/// `authentication.k8s.io/v1` TokenReviews: "whose token is this?", answered from the tokens this
/// server accepts and never stored. Controllers that protect their own endpoints the Kubernetes way
/// (controller-runtime's secure metrics, the Kratix manager's `--metrics-secure`) ask it about the
/// bearer token a scraper presents, then ask a SubjectAccessReview whether that user may read.
struct TokenReview {
    static let group = "authentication.k8s.io"
    static let path = "/apis/authentication.k8s.io/v1/tokenreviews"

    /// The review as sent, with `status.authenticated` and `status.user`, or `status.error` for a
    /// token no one issued (200 either way, as the real server answers).
    static func answer(_ body: JSONObject, identify: (String) async -> UserInfo?) async throws(APIError) -> JSONObject {
        let spec = body["spec"]?.objectValue ?? [:]
        guard let token = spec["token"]?.stringValue, !token.isEmpty else {
            throw APIError.invalid(kind: "TokenReview", group: group, name: "", causes: [("spec.token", "Required value")])
        }
        var status: JSONObject = [:]
        if let user = await identify(token) {
            var userObject: JSONObject = ["username": .string(user.name), "groups": .array(user.groups.map { .string($0) })]
            if let uid = user.uid { userObject["uid"] = .string(uid) }
            status["authenticated"] = .bool(true)
            status["user"] = .object(userObject)
            if let audiences = spec["audiences"] { status["audiences"] = audiences }
        } else {
            status["user"] = .object([:])
            status["error"] = .string("[invalid bearer token, token lookup failed]")
        }
        var metadata = body["metadata"]?.objectValue ?? [:]
        metadata["creationTimestamp"] = .null
        return [
            "kind": "TokenReview", "apiVersion": .string("\(group)/v1"),
            "metadata": .object(metadata), "spec": .object(spec), "status": .object(status),
        ]
    }
}
