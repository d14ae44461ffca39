/// Which objects a list selects and how it pages.
public struct ListOptions: Sendable, Equatable {
    /// `app=web,tier!=cache,env in (dev,test),!legacy`: sent as is (percent-encoded).
    public var labelSelector: String?
    /// `metadata.name=x,metadata.namespace!=y`.
    public var fieldSelector: String?
    /// Page size; the response's `continueToken` fetches the next page. See ``KubeClient/listAll(_:namespace:options:)``.
    public var limit: Int?
    public var continueToken: String?
    /// `"0"` lets the server answer from its cache; empty means the most recent state.
    public var resourceVersion: String?
    /// `Exact` or `NotOlderThan`; only meaningful with `resourceVersion`.
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    /// The objects carrying every `key=value` of `labels` (an empty map selects everything).
    public init(labels: [String: String]) {
        self.init(labelSelector: labels.isEmpty ? nil : Self.selector(labels))
    }

    /// `k1=v1,k2=v2`, sorted by key.
    public static func selector(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    var queryItems: [(String, String)] {
        var query: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        if let limit, limit > 0 { query.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { query.append(("continue", continueToken)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch, !resourceVersionMatch.isEmpty { query.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        return query
    }
}
