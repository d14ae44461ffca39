import KubeModel
import Logging
import Metrics

/// A client for one Kubernetes API server: dynamic verbs on any resource by GroupVersionResource,
/// typed access through ``api(_:namespace:)``, watches, discovery and raw requests.
///
/// One instance holds one connection pool; share it (it is `Sendable`) and call ``shutdown()`` once
/// when done.
public final class KubeClient: Sendable {
    public let configuration: ClientConfiguration
    /// Kind → resource lookups, cached per group-version.
    public let discovery: Discovery
    /// Told of every object this client created, replaced or patched (``WriteObservers``).
    public let writeObservers: WriteObservers
    let transport: HTTPTransport
    let logger: Logger
    /// Added to every request (``impersonating(serviceAccount:namespace:userAgent:)``).
    let requestHeaders: [(String, String)]

    /// - Parameter metricsFactory: where request metrics go; `nil` uses the process's bootstrapped
    ///   `MetricsSystem` (the manager's Prometheus registry).
    public init(configuration: ClientConfiguration, logger: Logger = Logger(label: "kratix.client"), metricsFactory: (any MetricsFactory)? = nil) throws(ClientError) {
        self.configuration = configuration
        self.logger = logger
        for warning in configuration.warnings {
            logger.warning("\(warning)")
        }
        transport = try HTTPTransport(configuration: configuration, logger: logger, metricsFactory: metricsFactory, execRunner: ExecPluginRunner())
        discovery = Discovery(transport: transport)
        writeObservers = WriteObservers()
        requestHeaders = []
    }

    private init(sharing client: KubeClient, headers: [(String, String)]) {
        configuration = client.configuration
        logger = client.logger
        transport = client.transport
        discovery = client.discovery
        writeObservers = client.writeObservers
        requestHeaders = client.requestHeaders + headers
    }

    /// This client's connections and credentials, acting as a pod's service account: the server
    /// authorizes each request as that account (the `Impersonate-*` headers; this client must be
    /// allowed to impersonate). What the local Job runner gives the pipeline adapter when it runs it
    /// in process, so the adapter has exactly the permissions it would have in its pod, without a
    /// client and TLS handshake of its own. Do not shut the result down; shut down this client.
    public func impersonating(serviceAccount: String, namespace: String, userAgent: String? = nil) -> KubeClient {
        var headers: [(String, String)] = [
            ("Impersonate-User", "system:serviceaccount:\(namespace):\(serviceAccount)"),
            ("Impersonate-Group", "system:serviceaccounts"),
            ("Impersonate-Group", "system:serviceaccounts:\(namespace)"),
            ("Impersonate-Group", "system:authenticated"),
        ]
        if let userAgent { headers.append(("User-Agent", userAgent)) }
        return KubeClient(sharing: self, headers: headers)
    }

    /// Sends through the transport with this client's extra headers.
    private func transportSend(_ request: KubeRequest) async throws(ClientError) -> RawResponse {
        guard !requestHeaders.isEmpty else { return try await transport.send(request) }
        var request = request
        request.headers = requestHeaders + request.headers
        return try await transport.send(request)
    }

    /// Closes the connection pool. Call once, after the last request.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    // MARK: Dynamic verbs

    public func get(_ resource: GroupVersionResource, name: String, namespace: String? = nil, subresource: String? = nil) async throws(ClientError) -> KubeObject {
        let request = KubeRequest.get(resource, name: name, namespace: namespace, subresource: subresource)
        return try Self.object(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields)
    }

    /// The object, or nil when it does not exist (404); every other failure is thrown.
    public func getOptional(_ resource: GroupVersionResource, name: String, namespace: String? = nil) async throws(ClientError) -> KubeObject? {
        do {
            return try await get(resource, name: name, namespace: namespace)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    /// One page; see ``listAll(_:namespace:options:)`` for every page.
    public func list(_ resource: GroupVersionResource, namespace: String? = nil, options: ListOptions = .init()) async throws(ClientError) -> ObjectList {
        let request = KubeRequest.list(resource, namespace: namespace, options: options)
        return try ObjectList(Self.json(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields))
    }

    /// Every page, following `continue` (pages of `options.limit`, default 500).
    ///
    /// The result's resourceVersion is the first page's: a watch started there sees every change
    /// made while the later pages were read (possibly twice), never none. An expired continue token
    /// (410) restarts with one unpaged list, as client-go's pager does.
    public func listAll(_ resource: GroupVersionResource, namespace: String? = nil, options: ListOptions = .init()) async throws(ClientError) -> ObjectList {
        var pageOptions = options
        pageOptions.limit = options.limit ?? 500
        var result = try await list(resource, namespace: namespace, options: pageOptions)
        var token = result.continueToken
        while let next = token {
            pageOptions.continueToken = next
            // Later pages must not repeat a resourceVersion: the token carries it.
            pageOptions.resourceVersion = nil
            pageOptions.resourceVersionMatch = nil
            let page: ObjectList
            do throws(ClientError) {
                page = try await list(resource, namespace: namespace, options: pageOptions)
            } catch .gone {
                var full = options
                full.limit = nil
                full.continueToken = nil
                return try await list(resource, namespace: namespace, options: full)
            }
            result.items += page.items
            token = page.continueToken
        }
        result.continueToken = nil
        result.remainingItemCount = nil
        return result
    }

    /// Creates an object; `namespace` defaults to the object's `metadata.namespace`.
    public func create(_ resource: GroupVersionResource, _ object: KubeObject, namespace: String? = nil, subresource: String? = nil, options: WriteOptions = .init()) async throws(ClientError) -> KubeObject {
        let request = KubeRequest.create(resource, object, namespace: namespace ?? object.namespace, subresource: subresource, options: options)
        let created = try Self.object(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields)
        await writeObservers.notify(resource, created, subresource: subresource, dryRun: options.dryRun)
        return created
    }

    /// Replaces an object (PUT), named by its metadata. A `metadata.resourceVersion` in the object
    /// makes it conditional: if the object changed since, the server answers ``ClientError/conflict(_:)``.
    public func update(_ resource: GroupVersionResource, _ object: KubeObject, subresource: String? = nil, options: WriteOptions = .init()) async throws(ClientError) -> KubeObject {
        guard let name = object.name, !name.isEmpty else {
            throw .invalid(APIStatus(
                code: 422, reason: "Invalid", message: "\(resource.resource) update: metadata.name: Required value",
                details: .init(kind: object.kind, causes: [.init(reason: "FieldValueRequired", message: "Required value", field: "metadata.name")])))
        }
        let request = KubeRequest.update(resource, object, subresource: subresource, options: options)
        let updated = try Self.object(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields)
        await writeObservers.notify(resource, updated, subresource: subresource, dryRun: options.dryRun)
        return updated
    }

    /// Replaces only the status (PUT to the `status` subresource).
    public func updateStatus(_ resource: GroupVersionResource, _ object: KubeObject, options: WriteOptions = .init()) async throws(ClientError) -> KubeObject {
        try await update(resource, object, subresource: "status", options: options)
    }

    public func patch(_ resource: GroupVersionResource, name: String, namespace: String? = nil, _ patch: Patch, subresource: String? = nil, options: PatchOptions = .init()) async throws(ClientError) -> KubeObject {
        let request = KubeRequest.patch(resource, name: name, namespace: namespace, patch, subresource: subresource, options: options)
        let patched = try Self.object(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields)
        await writeObservers.notify(resource, patched, subresource: subresource, dryRun: options.dryRun)
        return patched
    }

    /// Returns the object when the server answers with it (it still has finalizers, or the policy
    /// keeps it), nil when it answers with a Status.
    @discardableResult
    public func delete(_ resource: GroupVersionResource, name: String, namespace: String? = nil, options: DeleteOptions = .init()) async throws(ClientError) -> KubeObject? {
        let request = KubeRequest.delete(resource, name: name, namespace: namespace, options: options)
        let value = try Self.json(from: await transportSend(request), request, droppingManagedFields: configuration.dropsManagedFields)
        if value["kind"]?.stringValue == "Status" { return nil }
        guard let object = KubeObject(value) else {
            throw .decoding("\(request.method.rawValue) \(request.path): expected an object, found \(value.typeName)")
        }
        return object
    }

    /// Deletes every object the list options select.
    public func deleteCollection(_ resource: GroupVersionResource, namespace: String? = nil, listOptions: ListOptions = .init(), options: DeleteOptions = .init()) async throws(ClientError) {
        _ = try await transportSend(.deleteCollection(resource, namespace: namespace, listOptions: listOptions, options: options))
    }

    /// A lazily started watch; iterating it opens the stream. Events arrive line by line as the
    /// body streams (no buffering of the whole body; back-pressure from the consumer). ERROR events
    /// are thrown as ClientError (410 → .gone). The sequence ends normally when the server closes
    /// the stream (timeoutSeconds or disconnect); the caller resumes with the last resourceVersion it saw.
    public func watch(_ resource: GroupVersionResource, namespace: String? = nil, options: WatchOptions = .init()) -> WatchStream {
        WatchStream(transport: transport, request: .watch(resource, namespace: namespace, options: options), logger: logger)
    }

    /// Raw access (pods/log, /version, anything else). `path` is sent as given (percent-encode
    /// names yourself); `query` pairs are encoded here.
    public func request(
        _ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, accept: String = "application/json"
    ) async throws(ClientError) -> RawResponse {
        try await transportSend(KubeRequest(method: method, path: path, query: query, body: body, contentType: contentType, accept: accept))
    }

    /// Sends any ``KubeRequest``, e.g. one built with its static builders.
    public func send(_ request: KubeRequest) async throws(ClientError) -> RawResponse {
        try await transportSend(request)
    }

    /// Typed access for kinds with a Swift model.
    public func api<R: KubeResource>(_ type: R.Type, namespace: String? = nil) -> Api<R> {
        Api(client: self, namespace: namespace)
    }

    // MARK: Decoding

    static func json(from response: RawResponse, _ request: KubeRequest, droppingManagedFields: Bool = false) throws(ClientError) -> JSONValue {
        do {
            return try JSONParser.parse(response.body, droppingManagedFields: droppingManagedFields)
        } catch {
            throw .decoding("\(request.method.rawValue) \(request.path): the response is not JSON: \(error)")
        }
    }

    static func object(from response: RawResponse, _ request: KubeRequest, droppingManagedFields: Bool = false) throws(ClientError) -> KubeObject {
        let value = try json(from: response, request, droppingManagedFields: droppingManagedFields)
        guard let object = KubeObject(value) else {
            throw .decoding("\(request.method.rawValue) \(request.path): expected an object, found \(value.typeName)")
        }
        return object
    }
}
