import KubeModel

/// A page of typed objects and the version to watch from.
public struct TypedList<R: KubeResource>: Sendable {
    public var items: [R]
    public var resourceVersion: String
    public var continueToken: String?

    public init(items: [R], resourceVersion: String, continueToken: String? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
    }
}
