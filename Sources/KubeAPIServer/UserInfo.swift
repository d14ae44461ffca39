/// Who a request acts as, after authentication and impersonation: the name and groups RBAC
/// subjects are matched against.
public struct UserInfo: Sendable, Equatable {
    public var name: String
    public var groups: [String]
    /// The user's uid, when the authenticator knows one (a service account's); admission
    /// webhooks receive it in `userInfo.uid`.
    public var uid: String?

    public init(name: String, groups: [String], uid: String? = nil) {
        self.name = name
        self.groups = groups
        self.uid = uid
    }

    /// Members of this group are allowed everything without consulting RBAC, as upstream's
    /// privileged-group authorizer does.
    public static let superuserGroup = "system:masters"
    public static let authenticatedGroup = "system:authenticated"
    public static let serviceAccountPrefix = "system:serviceaccount:"

    /// The holder of the server's own bearer token (and every client of a server without
    /// credentials): a cluster admin, so that the platform's controllers and the user's kubectl keep
    /// their full access whatever RBAC says.
    public static let admin = UserInfo(name: "kratix-admin", groups: [superuserGroup, authenticatedGroup])

    /// A service account's identity, with the groups the API server gives every service account.
    public static func serviceAccount(namespace: String, name: String) -> UserInfo {
        UserInfo(name: "\(serviceAccountPrefix)\(namespace):\(name)",
                 groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", authenticatedGroup])
    }

    /// `(namespace, name)` when this is a service account's user name (`system:serviceaccount:ns:sa`).
    public var serviceAccount: (namespace: String, name: String)? {
        Self.parseServiceAccount(name)
    }

    static func parseServiceAccount(_ userName: String) -> (namespace: String, name: String)? {
        guard userName.hasPrefix(serviceAccountPrefix) else { return nil }
        let parts = userName.dropFirst(serviceAccountPrefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    public var isSuperuser: Bool { groups.contains(Self.superuserGroup) }
}
