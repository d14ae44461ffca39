import KubeModel

/// One API request as a value: what every verb turns into before the transport sends it.
///
/// Building requests is pure, so the URL, query and content type of every verb are tested without
/// a network.
public struct KubeRequest: Sendable {
    public var method: HTTPMethod
    /// The percent-encoded path, starting with `/`.
    public var path: String
    /// Unencoded pairs, in order; encoded by ``target``.
    public var query: [(String, String)]
    public var body: [UInt8]?
    public var contentType: String?
    public var accept: String
    /// Watches stream: they get no overall deadline and are not retried once they have started.
    public var isWatch: Bool
    /// Sent besides the transport's own (`User-Agent` here replaces the client's).
    public var headers: [(String, String)] = []
    /// The Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`) and the resource (`pods`, `pods/status`) of a request built by the
    /// verbs' builders, for metrics; nil for raw requests.
    public var verb: String?
    public var resource: String?

    public init(
        method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, accept: String = "application/json", isWatch: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.isWatch = isWatch
    }

    /// Path and encoded query, as it goes in the request line.
    public var target: String {
        query.isEmpty ? path : path + "?" + PercentEncoding.query(query)
    }

    /// The value of one query parameter (for tests and logs).
    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }
}

extension KubeRequest {
    static func json(_ value: JSONValue) -> [UInt8] { value.serializedBytes() }

    func tagged(_ verb: String, _ resource: GroupVersionResource, _ subresource: String?) -> KubeRequest {
        var request = self
        request.verb = verb
        request.resource = resource.resource + (subresource.map { "/\($0)" } ?? "")
        return request
    }

    public static func get(_ resource: GroupVersionResource, name: String, namespace: String?, subresource: String? = nil) -> KubeRequest {
        KubeRequest(method: .GET, path: ResourcePath(resource, namespace: namespace, name: name, subresource: subresource).path)
            .tagged("get", resource, subresource)
    }

    public static func list(_ resource: GroupVersionResource, namespace: String?, options: ListOptions) -> KubeRequest {
        KubeRequest(method: .GET, path: ResourcePath(resource, namespace: namespace).path, query: options.queryItems)
            .tagged("list", resource, nil)
    }

    public static func watch(_ resource: GroupVersionResource, namespace: String?, options: WatchOptions) -> KubeRequest {
        KubeRequest(method: .GET, path: ResourcePath(resource, namespace: namespace).path, query: options.queryItems, isWatch: true)
            .tagged("watch", resource, nil)
    }

    /// POST to the collection, or to `<name>/<subresource>` when a subresource is given (e.g. `serviceaccounts/x/token`).
    public static func create(_ resource: GroupVersionResource, _ object: KubeObject, namespace: String?, subresource: String? = nil, options: WriteOptions) -> KubeRequest {
        let path: ResourcePath
        if let subresource, let name = object.name {
            path = ResourcePath(resource, namespace: namespace, name: name, subresource: subresource)
        } else {
            path = ResourcePath(resource, namespace: namespace)
        }
        return KubeRequest(method: .POST, path: path.path, query: options.queryItems, body: json(object.value), contentType: "application/json")
            .tagged("create", resource, subresource)
    }

    /// PUT to the object's own path, named by its metadata.
    public static func update(_ resource: GroupVersionResource, _ object: KubeObject, subresource: String? = nil, options: WriteOptions) -> KubeRequest {
        let path = ResourcePath(resource, namespace: object.namespace, name: object.name ?? "", subresource: subresource)
        return KubeRequest(method: .PUT, path: path.path, query: options.queryItems, body: json(object.value), contentType: "application/json")
            .tagged("update", resource, subresource)
    }

    public static func patch(_ resource: GroupVersionResource, name: String, namespace: String?, _ patch: Patch, subresource: String? = nil, options: PatchOptions) -> KubeRequest {
        let path = ResourcePath(resource, namespace: namespace, name: name, subresource: subresource)
        return KubeRequest(
            method: .PATCH, path: path.path, query: options.queryItems(isApply: patch.isApply),
            body: json(patch.body), contentType: patch.contentType)
            .tagged("patch", resource, subresource)
    }

    public static func delete(_ resource: GroupVersionResource, name: String, namespace: String?, options: DeleteOptions) -> KubeRequest {
        let path = ResourcePath(resource, namespace: namespace, name: name)
        return KubeRequest(method: .DELETE, path: path.path, body: json(options.body), contentType: "application/json")
            .tagged("delete", resource, nil)
    }

    public static func deleteCollection(_ resource: GroupVersionResource, namespace: String?, listOptions: ListOptions, options: DeleteOptions) -> KubeRequest {
        let path = ResourcePath(resource, namespace: namespace)
        return KubeRequest(method: .DELETE, path: path.path, query: listOptions.queryItems, body: json(options.body), contentType: "application/json")
            .tagged("deletecollection", resource, nil)
    }
}
