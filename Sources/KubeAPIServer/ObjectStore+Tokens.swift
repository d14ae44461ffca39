import Foundation

/// Tokens issued through `serviceaccounts/token`, bound as the API server binds them: to their
/// ServiceAccount's uid and, when the request names one, to a Pod's. A token stops working when
/// it expires or when either object is deleted (or replaced by one of the same name).
extension ObjectStore {
    public struct IssuedToken: Sendable {
        public var value: String
    }

    /// What an issued token stands for.
    struct IssuedTokenRecord {
        var subject: String
        var expires: ContinuousClock.Instant
        /// The ServiceAccount's storage key ("namespace/name") and uid.
        var serviceAccount: (key: String, uid: String)
        /// The Pod's, for a token bound to one.
        var pod: (key: String, uid: String)?
    }

    /// Issues a token for ServiceAccount `name`, optionally bound to a Pod (`boundPod`, with the
    /// uid the request gave, if any). Fails as the API server does when an object is missing or
    /// the uid does not match.
    public func issueToken(namespace: String, serviceAccount name: String, lifetime: Duration,
                           boundPod: (name: String, uid: String?)? = nil) throws(APIError) -> IssuedToken {
        let accountKey = "\(namespace)/\(name)"
        guard let account = objects["serviceaccounts"]?[accountKey], let accountUID = account["metadata"]?["uid"]?.stringValue else {
            throw APIError.notFound("serviceaccounts", name)
        }
        var pod: (key: String, uid: String)?
        if let boundPod {
            let podKey = "\(namespace)/\(boundPod.name)"
            guard let object = objects["pods"]?[podKey], let uid = object["metadata"]?["uid"]?.stringValue else {
                throw APIError.notFound("pods", boundPod.name)
            }
            if let expected = boundPod.uid, !expected.isEmpty, expected != uid {
                throw APIError(code: 409, reason: "Conflict",
                               message: "the UID in the bound object reference (\(expected)) does not match the UID in record. The object might have been deleted and then recreated")
            }
            pod = (podKey, uid)
        }
        let value = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        issuedTokens[value] = IssuedTokenRecord(subject: "system:serviceaccount:\(namespace):\(name)", expires: ContinuousClock.now + lifetime,
                                                serviceAccount: (accountKey, accountUID), pod: pod)
        return IssuedToken(value: value)
    }

    /// Whether `token` was issued here and is still valid.
    public func isIssuedToken(_ token: String) -> Bool {
        issuedTokenSubject(token) != nil
    }

    /// The user a valid token issued here identifies (`system:serviceaccount:<ns>:<name>`); nil once
    /// it has expired or the objects it is bound to are gone.
    public func issuedTokenSubject(_ token: String) -> String? {
        issuedTokenIdentity(token)?.subject
    }

    /// The user name a live token authenticates as, with its ServiceAccount's uid (the
    /// `userInfo.uid` admission webhooks receive).
    func issuedTokenIdentity(_ token: String) -> (subject: String, uid: String)? {
        guard let record = issuedTokens[token] else { return nil }
        let accountAlive = objects["serviceaccounts"]?[record.serviceAccount.key]?["metadata"]?["uid"]?.stringValue == record.serviceAccount.uid
        let podAlive = record.pod.map { objects["pods"]?[$0.key]?["metadata"]?["uid"]?.stringValue == $0.uid } ?? true
        guard record.expires >= ContinuousClock.now, accountAlive, podAlive else {
            issuedTokens[token] = nil
            return nil
        }
        return (record.subject, record.serviceAccount.uid)
    }
}
