/// Who a request acts as: the bearer token identifies the admin (the server's own token) or a
/// service account (a token issued through `serviceaccounts/token`), then `Impersonate-User`,
/// `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-*` may replace that identity, as
/// `kubectl --as` asks, if the caller may impersonate.
///
/// Impersonating is itself authorized as upstream does it (verb `impersonate` on `users`,
/// `serviceaccounts`, `groups`, `uids`, `userextras`) when RBAC is enforced; with
/// ``AuthorizationMode/alwaysAllow`` every authenticated caller may, as every caller may do
/// everything else.
struct RequestAuthenticator: Sendable {
    /// The admin token; `nil` when the server does not authenticate (every request is the admin's).
    var adminToken: String?
    var mode: AuthorizationMode
    var handler: APIHandler

    static let anonymous = "system:anonymous"

    /// The user, or 401 (no or unknown token), 403 (impersonation not allowed) or 400 (groups
    /// without a user). Tokens never appear in an error.
    func user(for request: APIRequest) async throws(APIError) -> UserInfo {
        var user = UserInfo.admin
        if let adminToken {
            guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
            guard let identity = await Self.identity(of: String(header.dropFirst(7)), adminToken: adminToken, store: handler.store) else {
                throw APIError.unauthorized
            }
            user = identity
        }
        return try await impersonated(request, by: user)
    }

    /// Who `token` authenticates as: the admin for the server's own token, else the service account
    /// (or other subject) an issued, still valid token names; nil for anything else. Requests and
    /// TokenReviews both ask here, so they can never disagree.
    static func identity(of token: String, adminToken: String?, store: ObjectStore) async -> UserInfo? {
        if let adminToken, constantTimeEqual(Array(token.utf8), Array(adminToken.utf8)) { return .admin }
        guard let (subject, uid) = await store.issuedTokenIdentity(token) else { return nil }
        guard let account = UserInfo.parseServiceAccount(subject) else {
            return UserInfo(name: subject, groups: [UserInfo.authenticatedGroup])
        }
        var user = UserInfo.serviceAccount(namespace: account.namespace, name: account.name)
        user.uid = uid
        return user
    }

    private func impersonated(_ request: APIRequest, by user: UserInfo) async throws(APIError) -> UserInfo {
        let name = request.header("Impersonate-User")
        let groups = request.headerValues("Impersonate-Group")
        let uid = request.header("Impersonate-Uid")
        let extras = request.headers.compactMap { header -> (key: String, value: String)? in
            let prefix = "impersonate-extra-"
            guard header.name.lowercased().hasPrefix(prefix) else { return nil }
            return (APIRequest.percentDecode(String(header.name.dropFirst(prefix.count))).lowercased(), header.value)
        }
        guard name != nil || !groups.isEmpty || uid != nil || !extras.isEmpty else { return user }
        guard let name, !name.isEmpty else {
            throw APIError(code: 500, reason: "InternalError",
                           message: "Internal error occurred: requested \(groups) without impersonating a user")
        }
        let account = UserInfo.parseServiceAccount(name)
        if mode == .rbac, !user.isSuperuser {
            var checks: [AuthorizationAttributes] = []
            if let account {
                checks.append(.resource(verb: "impersonate", resource: "serviceaccounts", namespace: account.namespace, name: account.name))
            } else {
                checks.append(.resource(verb: "impersonate", resource: "users", name: name))
            }
            checks += groups.map { .resource(verb: "impersonate", resource: "groups", name: $0) }
            if let uid { checks.append(.resource(verb: "impersonate", group: "authentication.k8s.io", resource: "uids", name: uid)) }
            checks += extras.map {
                .resource(verb: "impersonate", group: "authentication.k8s.io", resource: "userextras", subresource: $0.key, name: $0.value)
            }
            let authorizer = await handler.authorizer()
            for check in checks where !authorizer.authorize(user, check).allowed {
                throw check.forbidden(user: user)
            }
        }
        var impersonatedGroups = groups
        if groups.isEmpty, let account {
            impersonatedGroups = ["system:serviceaccounts", "system:serviceaccounts:\(account.namespace)"]
        }
        if name == Self.anonymous {
            if !impersonatedGroups.contains("system:unauthenticated") { impersonatedGroups.append("system:unauthenticated") }
        } else if !impersonatedGroups.contains(UserInfo.authenticatedGroup) {
            impersonatedGroups.append(UserInfo.authenticatedGroup)
        }
        return UserInfo(name: name, groups: impersonatedGroups, uid: uid)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
