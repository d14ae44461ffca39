import Foundation

/// Tokens issued through `serviceaccounts/token`.
extension ObjectStore {
    public struct IssuedToken: Sendable {
        public var value: String
    }

    public func issueToken(serviceAccount: String, lifetime: Duration) -> IssuedToken {
        let value = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        issuedTokens[value] = (serviceAccount, ContinuousClock.now + lifetime)
        return IssuedToken(value: value)
    }

    /// Whether `token` was issued here and has not expired.
    public func isIssuedToken(_ token: String) -> Bool {
        issuedTokenSubject(token) != nil
    }

    /// The user an unexpired token issued here identifies (`system:serviceaccount:<ns>:<name>`).
    public func issuedTokenSubject(_ token: String) -> String? {
        guard let entry = issuedTokens[token] else { return nil }
        if entry.expires < ContinuousClock.now {
            issuedTokens[token] = nil
            return nil
        }
        return entry.subject
    }
}
