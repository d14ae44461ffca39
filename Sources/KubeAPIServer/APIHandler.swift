import Foundation
import KubeModel

/// Turns API requests into store operations and responses. Transport-free, so it is tested directly
/// and served by ``APIServer`` over HTTP.
public struct APIHandler: Sendable {
    public let store: ObjectStore
    /// What `/version` reports; kubectl's dispatcher picks its client version from it.
    public var serverVersion = (major: "1", minor: "31", gitVersion: "v1.31.0")
    /// How admission webhooks are called (HTTPS; tests may put another in).
    var webhookTransport: any AdmissionWebhookTransport = HTTPSWebhookTransport()
    /// The admin token TokenReviews recognise (the server's own; set by ``APIServer``).
    var adminToken: String?

    public init(store: ObjectStore) {
        self.store = store
    }

    /// Answers a request; watches get a stream of events instead of a single response.
    public func respond(_ request: APIRequest) async -> APIResult {
        do {
            return try await route(request)
        } catch {
            return .response(.error(error))
        }
    }

    /// Answers a request that is not a watch.
    public func handle(_ request: APIRequest) async -> APIResponse {
        switch await respond(request) {
        case .response(let response): return response
        case .watch, .stream: return .error(.badRequest("this entry point does not stream responses"))
        }
    }

    private func route(_ request: APIRequest) async throws(APIError) -> APIResult {
        if request.method == "GET", let (target, resource) = await resourceTarget(request.path),
            target.name == nil, request.flag("watch") || target.legacyWatch
        {
            return .watch(try await watch(request, target, resource))
        }
        if request.method == "GET", request.flag("follow"), let (target, resource) = await resourceTarget(request.path),
            target.subresource == "log", resource.subresources.contains("log"), let name = target.name
        {
            return .stream(try await followPodLog(request, namespace: resource.namespaced ? target.namespace : nil, name: name))
        }
        return .response(try await routeRequest(request))
    }

    private func resourceTarget(_ rawPath: String) async -> (ResourcePath, APIResource)? {
        let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
        let resources = await store.resourceIndex()
        guard let target = ResourcePath.parse(path, isNamespacedResource: { g, v, r in
            resources["\(g)/\(r)"].map { $0.version == v && $0.namespaced } ?? false
        }), let resource = resources["\(target.group)/\(target.resource)"], resource.version == target.version
        else { return nil }
        return (target, resource)
    }

    private func filter(_ request: APIRequest, _ target: ResourcePath, _ resource: APIResource) throws(APIError) -> WatchFilter {
        var fields = try parseFieldSelector(request.query["fieldSelector"]).map { (field: $0.0, value: $0.1, equal: $0.2) }
        try SelectableFields.check(fields, for: resource)
        if target.legacyWatch, let name = target.name { fields.append(("metadata.name", name, true)) }
        return WatchFilter(
            namespace: resource.namespaced ? target.namespace : nil,
            labelSelector: try parseLabelSelector(request.query["labelSelector"]),
            fieldSelector: fields)
    }

    private func watch(_ request: APIRequest, _ target: ResourcePath, _ resource: APIResource) async throws(APIError) -> WatchStream {
        let filter = try filter(request, target, resource)
        let events = try await store.watch(resource, filter: filter, resourceVersion: request.query["resourceVersion"])
        // Like the API server, a negative timeout ends the watch at once; a huge one is capped (a
        // sleep of 2^63 seconds overflows).
        let timeout = try integerParameter(request, "timeoutSeconds").map { Duration.seconds(min(max($0, 0), Self.longestWatchSeconds)) }
        let bookmarks = request.flag("allowWatchBookmarks")
        return WatchStream(events: events, timeout: timeout, bookmarkKind: bookmarks ? resource : nil, store: store)
    }

    private func routeRequest(_ request: APIRequest) async throws(APIError) -> APIResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        switch path {
        case "/healthz", "/readyz", "/livez":
            return .text("ok")
        case "/version":
            return .json([
                "major": .string(serverVersion.major), "minor": .string(serverVersion.minor),
                "gitVersion": .string(serverVersion.gitVersion), "gitCommit": "kratix-swift",
                "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "swift",
                "compiler": "swift", "platform": "linux/amd64",
            ])
        case "/api":
            return .json(["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]]])
        case "/apis":
            return .json(await Discovery.groupList(discoverableResources()))
        case "/openapi/v3":
            return .json(await OpenAPIDocuments.root(discoverableResources()))
        case "/openapi/v2":
            // The v2 document is protobuf-only for kubectl; 404 makes clients use v3.
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        default:
            break
        }
        if path.hasPrefix("/openapi/v3/") {
            let gv = String(path.dropFirst("/openapi/v3/".count))
            guard let document = await OpenAPIDocuments.groupVersion(gv, resources: discoverableResources()) else {
                throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            }
            return .json(document)
        }
        let segments = path.split(separator: "/")
        if segments.count == 2, segments[0] == "api" {
            return try await groupVersionDiscovery(group: "", version: String(segments[1]))
        }
        if segments.count == 3, segments[0] == "apis" {
            return try await groupVersionDiscovery(group: String(segments[1]), version: String(segments[2]))
        }
        if segments.count == 2, segments[0] == "apis" {
            let group = String(segments[1])
            let groups = await Discovery.groupList(discoverableResources())["groups"]?.arrayValue ?? []
            guard let found = groups.first(where: { $0["name"]?.stringValue == group }) else {
                throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            }
            return .json(JSONMergePatch.apply(["kind": "APIGroup", "apiVersion": "v1"], to: found))
        }
        if path == TokenReview.path {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(request.method) }
            let answered = try await TokenReview.answer(try body(request)) { [adminToken, store] token in
                await RequestAuthenticator.identity(of: token, adminToken: adminToken, store: store)
            }
            return .json(.object(answered), status: 201)
        }
        if let review = AccessReview.parse(path: path) {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(request.method) }
            let answered = try review.answer(try body(request), caller: request.user ?? .admin, authorizer: await authorizer())
            return .json(.object(answered), status: 201)
        }
        let resources = await store.resourceIndex()
        guard let target = ResourcePath.parse(path, isNamespacedResource: { g, v, r in
            resources["\(g)/\(r)"].map { $0.version == v && $0.namespaced } ?? false
        }) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        guard let resource = await store.resource(group: target.group, version: target.version, plural: target.resource) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        return try await serve(request, target, resource)
    }

    /// The stored kinds and the access reviews, which are answered but not stored.
    private func discoverableResources() async -> [APIResource] {
        await store.allResources() + BuiltinResources.accessReviews
    }

    private func groupVersionDiscovery(group: String, version: String) async throws(APIError) -> APIResponse {
        let matching = await discoverableResources().filter { $0.group == group && $0.version == version }
        guard !matching.isEmpty else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        return .json(Discovery.resourceList(groupVersion: GroupVersion(group: group, version: version), matching))
    }

    func body(_ request: APIRequest) throws(APIError) -> JSONObject {
        if let type = request.header("Content-Type"), type.hasPrefix("application/vnd.kubernetes.protobuf") {
            // kubectl 1.33 and newer send built-in kinds this way (`kubectl create configmap …`).
            do {
                return try ProtobufDecoder.decodeObject(request.body)
            } catch {
                throw APIError.badRequest("the protobuf body could not be read: \(error)")
            }
        }
        if let type = request.header("Content-Type"), type.hasPrefix("application/cbor") {
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            // kubectl sends JSON; YAML bodies are accepted for hand-made requests.
            guard let yaml = try? YAMLReader.singleDocument(in: String(decoding: request.body, as: UTF8.self)) else {
                throw APIError.badRequest("the request body is not valid JSON: \(error)")
            }
            value = yaml
        }
        guard case .object(let o) = value else { throw APIError.badRequest("the request body must be a JSON object") }
        return o
    }

    private func serve(_ request: APIRequest, _ target: ResourcePath, _ resource: APIResource) async throws(APIError) -> APIResponse {
        let dryRun = request.query["dryRun"] == "All"
        let namespace = resource.namespaced ? target.namespace : nil
        if let sub = target.subresource, !resource.subresources.contains(sub) {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        if target.subresource == "log", let name = target.name {
            return try await podLog(request, namespace: namespace, name: name)
        }
        if target.subresource == "scale", let name = target.name {
            return try await scale(request, resource, namespace: namespace, name: name, dryRun: dryRun)
        }
        if target.subresource == "token", let name = target.name, request.method == "POST" {
            return try await serviceAccountToken(request, resource, namespace: namespace, name: name)
        }
        switch (request.method, target.name) {
        case ("GET", nil):
            let limit = request.query["limit"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
            var continueAfter: String?
            if let token = request.query["continue"], !token.isEmpty {
                guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
                    throw APIError.badRequest("invalid continue token")
                }
                continueAfter = key
            }
            let listed = await store.list(resource, filter: try filter(request, target, resource), limit: limit, continueAfter: continueAfter)
            let token = listed.continueKey.map { Data($0.utf8).base64EncodedString() }
            if TableConverter.wantsTable(request.header("Accept")) {
                var response = APIResponse.json(TableConverter.table(resource, items: listed.items, resourceVersion: listed.resourceVersion, continueToken: token))
                response.contentType = "application/json;as=Table;v=v1;g=meta.k8s.io"
                return response
            }
            return .json(Discovery.list(resource, items: listed.items, resourceVersion: listed.resourceVersion, continueToken: token))
        case ("GET", let name?) where target.subresource == nil && TableConverter.wantsTable(request.header("Accept")):
            let object = try await store.get(resource, namespace: namespace, name: name)
            var response = APIResponse.json(TableConverter.table(resource, items: [object], resourceVersion: await store.currentResourceVersion, continueToken: nil))
            response.contentType = "application/json;as=Table;v=v1;g=meta.k8s.io"
            return response
        case ("GET", let name?):
            return .json(.object(try await store.get(resource, namespace: namespace, name: name)))
        case ("POST", nil):
            let sent = try body(request)
            let warnings = try checkFieldValidation(request, resource, sent)
            try await preventEscalation(request, resource, namespace: namespace, object: sent)
            let (object, admission) = try await admittedCreate(request, resource, namespace: namespace, object: sent, dryRun: dryRun, manager: fieldManager(request))
            return .json(.object(object), status: 201).warning(warnings + admission)
        case ("PUT", let name?):
            let sent = try body(request)
            let warnings = try checkFieldValidation(request, resource, sent)
            try await preventEscalation(request, resource, namespace: namespace, object: sent)
            let (object, admission) = try await admittedUpdate(request, resource, namespace: namespace, name: name, object: sent, subresource: target.subresource,
                                                               dryRun: dryRun, manager: fieldManager(request))
            return .json(.object(object)).warning(warnings + admission)
        case ("PATCH", let name?) where (request.header("Content-Type") ?? "").hasPrefix("application/apply-patch"):
            return try await serverSideApply(request, resource, namespace: namespace, name: name, subresource: target.subresource, dryRun: dryRun)
        case ("PATCH", let name?):
            let current = try await store.get(resource, namespace: namespace, name: name)
            let patched = try applyPatch(request, to: current, resource: resource)
            var object = patched
            // A patch never carries a stale resourceVersion unless the client put one in on purpose.
            let patchBody = (try? JSONParser.parse(request.body)) ?? .null
            if patchBody[path: ["metadata", "resourceVersion"]] == nil {
                var meta = object["metadata"]?.objectValue ?? [:]
                meta["resourceVersion"] = current["metadata"]?["resourceVersion"]
                object["metadata"] = .object(meta)
            }
            let warnings = try checkFieldValidation(request, resource, object)
            try await preventEscalation(request, resource, namespace: namespace, object: object)
            let (updated, admission) = try await admittedUpdate(request, resource, namespace: namespace, name: name, object: object, subresource: target.subresource,
                                                                dryRun: dryRun, manager: fieldManager(request), current: current)
            return .json(.object(updated)).warning(warnings + admission)
        case ("DELETE", let name?):
            let options = (try? JSONParser.parse(request.body)) ?? .null
            let dryRunBody = options["dryRun"]?.arrayValue?.contains("All") ?? false
            let policyText = request.query["propagationPolicy"] ?? options["propagationPolicy"]?.stringValue
                ?? (options["orphanDependents"] == true ? "Orphan" : "Background")
            guard let policy = ObjectStore.PropagationPolicy(rawValue: policyText) else {
                throw APIError.badRequest("unsupported propagationPolicy \"\(policyText)\"; supported: Background, Foreground, Orphan")
            }
            if let precondition = options[path: ["preconditions", "resourceVersion"]]?.stringValue {
                let current = try await store.get(resource, namespace: namespace, name: name)
                if current["metadata"]?["resourceVersion"]?.stringValue != precondition { throw APIError.conflict(resource.groupResource, name) }
            }
            if let precondition = options[path: ["preconditions", "uid"]]?.stringValue {
                let current = try await store.get(resource, namespace: namespace, name: name)
                if current["metadata"]?["uid"]?.stringValue != precondition { throw APIError.conflict(resource.groupResource, name) }
            }
            let admission = try await admitDelete(request, resource, namespace: namespace, name: name, options: options, dryRun: dryRun || dryRunBody)
            return .json(.object(try await store.delete(resource, namespace: namespace, name: name, propagation: policy, dryRun: dryRun || dryRunBody)))
                .warning(admission)
        case ("DELETE", nil):
            // deletecollection: every object the selectors match.
            let listed = await store.list(resource, filter: try filter(request, target, resource))
            var deleted: [JSONValue] = []
            var admission: [String] = []
            for item in listed.items {
                let object = KubeObject(item)
                admission += try await admitDelete(request, resource, namespace: object.namespace, name: object.name ?? "", options: .null, dryRun: dryRun)
                if let removed = try? await store.delete(resource, namespace: object.namespace, name: object.name ?? "", dryRun: dryRun) {
                    deleted.append(.object(removed))
                }
            }
            return .json(["apiVersion": .string(resource.apiVersion), "kind": .string(resource.kind + "List"), "metadata": [:], "items": .array(deleted)])
                .warning(admission)
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    /// `pods/log`: GET reads a container's output (`container`, `tailLines`, `limitBytes`); POST
    /// appends to it. Appending is this server's own extension: the local Job runner, standing in for
    /// the kubelet, sends output this way so that `kubectl logs` works.
    private func podLog(_ request: APIRequest, namespace: String?, name: String) async throws(APIError) -> APIResponse {
        let (key, _, _) = try await logTarget(request, namespace: namespace, name: name)
        switch request.method {
        case "POST":
            await store.appendLog(key, request.body)
            return APIResponse(status: 200, contentType: "text/plain", body: [])
        case "GET":
            let options = try podLogOptions(request, name: name)
            var log = await store.log(key)
            if let tail = options.tailLines {
                let lines = log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                let trimmed = lines.last == [] ? Array(lines.dropLast()) : Array(lines)
                log = Array(trimmed.suffix(tail).joined(separator: [UInt8(ascii: "\n")]))
                if !log.isEmpty { log.append(UInt8(ascii: "\n")) }
            }
            if let limit = options.limitBytes, log.count > limit { log = Array(log.prefix(limit)) }
            return APIResponse(status: 200, contentType: "text/plain", body: log)
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    /// The log key a `pods/log` request names (`container`, or the pod's only container), with the
    /// pod and the container's name.
    private func logTarget(_ request: APIRequest, namespace: String?, name: String) async throws(APIError) -> (key: String, pod: JSONObject, container: String) {
        let pods = BuiltinResources.all.first { $0.plural == "pods" }!
        let object = try await store.get(pods, namespace: namespace, name: name)
        let pod = JSONValue.object(object)
        let containers = (pod[path: ["spec", "initContainers"]]?.arrayValue ?? []) + (pod[path: ["spec", "containers"]]?.arrayValue ?? [])
        let names = containers.compactMap { $0["name"]?.stringValue }
        let container: String
        if let requested = request.query["container"], !requested.isEmpty {
            guard names.contains(requested) else {
                throw APIError.badRequest("container \(requested) is not valid for pod \(name)")
            }
            container = requested
        } else {
            let regular = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            guard regular.count == 1 else {
                throw APIError.badRequest("a container name must be specified for pod \(name), choose one of: [\(regular.joined(separator: " "))] or one of the init containers: [\(names.filter { !regular.contains($0) }.joined(separator: " "))]")
            }
            container = regular[0]
        }
        return ("\(namespace ?? "")/\(name)/\(container)", object, container)
    }

    /// `pods/log?follow=true`: the output so far (`tailLines` applied), then whatever is appended,
    /// until the container terminates or the pod is deleted (`limitBytes` caps the whole stream).
    private func followPodLog(_ request: APIRequest, namespace: String?, name: String) async throws(APIError) -> ResponseStream {
        let options = try podLogOptions(request, name: name)
        let (key, pod, container) = try await logTarget(request, namespace: namespace, name: name)
        let (existing, appended) = await store.followLog(key, pod: pod, container: container)
        var first = existing
        if let tail = options.tailLines {
            let lines = first.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let trimmed = lines.last == [] ? Array(lines.dropLast()) : Array(lines)
            first = Array(trimmed.suffix(tail).joined(separator: [UInt8(ascii: "\n")]))
            if !first.isEmpty { first.append(UInt8(ascii: "\n")) }
        }
        return ResponseStream(
            contentType: "text/plain", initial: first, chunks: appended, limitBytes: options.limitBytes)
    }

    /// The longest watch a `timeoutSeconds` asks for that is kept (ten years: as good as forever).
    static let longestWatchSeconds: Int64 = 10 * 365 * 86_400

    /// A query parameter as an integer, nil when absent; anything else is refused, as the API
    /// server's parameter decoding does, rather than ignored.
    private func integerParameter(_ request: APIRequest, _ name: String) throws(APIError) -> Int64? {
        guard let text = request.query[name] else { return nil }
        guard let value = Int64(text) else {
            throw APIError.badRequest("invalid value for query parameter \(name): \"\(text)\" is not an integer")
        }
        return value
    }

    /// `tailLines` and `limitBytes`, checked as the API server's `ValidatePodLogOptions` does.
    private func podLogOptions(_ request: APIRequest, name: String) throws(APIError) -> (tailLines: Int?, limitBytes: Int?) {
        let tail = try integerParameter(request, "tailLines")
        let limit = try integerParameter(request, "limitBytes")
        var causes: [(field: String, message: String)] = []
        if let tail, tail < 0 { causes.append(("tailLines", "Invalid value: \(tail): must be greater than or equal to 0")) }
        if let limit, limit < 1 { causes.append(("limitBytes", "Invalid value: \(limit): must be greater than 0")) }
        guard causes.isEmpty else { throw APIError.invalid(kind: "PodLogOptions", name: name, causes: causes) }
        return (tail.map { Int($0) }, limit.map { Int($0) })
    }

    /// `spec.expirationSeconds` of a TokenRequest (default one hour), within the API server's
    /// bounds: at least ten minutes, at most 2^32 seconds.
    static func tokenExpirationSeconds(_ body: JSONValue, name: String) throws(APIError) -> Int64 {
        guard let given = body[path: ["spec", "expirationSeconds"]], !given.isNull else { return 3600 }
        let field = "spec.expirationSeconds"
        if case .number(let text) = given {
            throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: name, causes: [(field, "Invalid value: \(text): may not specify a duration larger than 2^32 seconds")])
        }
        guard let seconds = given.intValue else {
            throw APIError.badRequest("TokenRequest in version \"v1\" cannot be handled as a TokenRequest: spec.expirationSeconds: expected an integer, found \(given.typeName)")
        }
        if seconds < 600 {
            throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: name, causes: [(field, "Invalid value: \(seconds): may not specify a duration less than 10 minutes")])
        }
        if seconds > 1 << 32 {
            throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: name, causes: [(field, "Invalid value: \(seconds): may not specify a duration larger than 2^32 seconds")])
        }
        return seconds
    }

    /// `serviceaccounts/token`: issues a bearer token the server accepts (TokenRequest).
    private func serviceAccountToken(_ request: APIRequest, _ resource: APIResource, namespace: String?, name: String) async throws(APIError) -> APIResponse {
        _ = try await store.get(resource, namespace: namespace, name: name)
        let requestBody: JSONValue = request.body.isEmpty ? .object([:]) : .object(try body(request))
        let seconds = try Self.tokenExpirationSeconds(requestBody, name: name)
        let bound = requestBody[path: ["spec", "boundObjectRef"]]
        var boundPod: (name: String, uid: String?)?
        if let bound, !bound.isNull {
            let kind = bound["kind"]?.stringValue ?? ""
            guard kind == "Pod", let podName = bound["name"]?.stringValue, !podName.isEmpty else {
                throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: name, causes: [
                    ("spec.boundObjectRef.kind", "Unsupported value: \"\(kind)\": supported values: \"Pod\""),
                ])
            }
            boundPod = (podName, bound["uid"]?.stringValue)
        }
        let token = try await store.issueToken(namespace: namespace ?? "", serviceAccount: name, lifetime: .seconds(seconds), boundPod: boundPod)
        let expiry = Timestamp.format(Date().addingTimeInterval(Double(seconds)))
        var spec: JSONObject = ["audiences": requestBody[path: ["spec", "audiences"]] ?? [], "expirationSeconds": .int(seconds)]
        if let bound, !bound.isNull { spec["boundObjectRef"] = bound }
        return .json([
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": ["name": .string(name), "namespace": .string(namespace ?? "")],
            "spec": .object(spec),
            "status": ["token": .string(token.value), "expirationTimestamp": .string(expiry)],
        ], status: 201)
    }

    /// `fieldValidation`, as the API server does it: fields the kind does not declare (a custom
    /// resource's schema, a built-in kind's Go type in ``FieldSchema``) are an error with `Strict`
    /// (what kubectl sends by default), a `Warning` header with `Warn` (the default) and silently
    /// dropped (custom resources) or kept (built-in kinds, which store what they are sent here) with `Ignore`.
    private func checkFieldValidation(_ request: APIRequest, _ resource: APIResource, _ object: JSONObject) throws(APIError) -> [String] {
        let mode = request.query["fieldValidation"] ?? "Warn"
        guard mode != "Ignore" else { return [] }
        let fields: [String]
        if let schema = resource.schema {
            fields = SchemaValidator(schema: schema).unknownFields(in: .object(object))
        } else if resource.group != "apiextensions.k8s.io", let type = FieldSchema.rootType(apiVersion: resource.apiVersion, kind: resource.kind) {
            // (CustomResourceDefinition's table holds only what shapes its managedFields.)
            fields = FieldSchema.unknownFields(in: .object(object), type: type)
        } else {
            return []
        }
        guard mode == "Strict" || mode == "Warn" else {
            throw APIError.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\" or \"Strict\", not \"\(mode)\"")
        }
        let unknown = fields.map { "unknown field \"\($0)\"" }
        if mode == "Strict", !unknown.isEmpty {
            throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): strict decoding error: \(unknown.joined(separator: ", "))")
        }
        return unknown
    }

    /// Who a write is recorded for in `managedFields`: the `fieldManager` parameter, else the
    /// user agent's product (`kubectl` of `kubectl/v1.28.7 …`), else `unknown`.
    func fieldManager(_ request: APIRequest) -> String {
        if let manager = request.query["fieldManager"], !manager.isEmpty { return manager }
        let product = (request.header("User-Agent") ?? "").split(separator: "/", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return product.isEmpty ? "unknown" : product
    }

    private func serverSideApply(_ request: APIRequest, _ resource: APIResource, namespace: String?, name: String, subresource: String?, dryRun: Bool) async throws(APIError) -> APIResponse {
        guard let manager = request.query["fieldManager"], !manager.isEmpty else {
            throw APIError(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        }
        let applied = try body(request)
        let warnings = try checkFieldValidation(request, resource, applied)
        let force = request.flag("force")
        let now = Timestamp.format(Date())
        let existing: JSONObject?
        do {
            existing = try await store.get(resource, namespace: namespace, name: name)
        } catch {
            // Only a missing object is created; an admission webhook's 404 is the answer.
            guard error.code == 404 else { throw error }
            existing = nil
        }
        if let current = existing {
            var merged = try ServerSideApply.apply(applied, to: current, manager: manager, force: force, resource: resource, now: now)
            merged["metadata"]?["resourceVersion"] = applied["metadata"]?["resourceVersion"] ?? current["metadata"]?["resourceVersion"] ?? nil
            try await preventEscalation(request, resource, namespace: namespace, object: merged)
            let (updated, admission) = try await admittedUpdate(request, resource, namespace: namespace, name: name, object: merged, subresource: subresource,
                                                                dryRun: dryRun, manager: nil, current: current)
            return .json(.object(updated)).warning(warnings + admission)
        }
        var created = try ServerSideApply.apply(applied, to: nil, manager: manager, force: force, resource: resource, now: now)
        created["metadata"]?["name"] = .string(name)
        try await preventEscalation(request, resource, namespace: namespace, object: created)
        let (object, admission) = try await admittedCreate(request, resource, namespace: namespace, object: created, dryRun: dryRun, manager: nil)
        return .json(.object(object), status: 201).warning(warnings + admission)
    }

    func applyPatch(_ request: APIRequest, to current: JSONObject, resource: APIResource) throws(APIError) -> JSONObject {
        let contentType = (request.header("Content-Type") ?? "").split(separator: ";").first.map(String.init) ?? ""
        let patch: JSONValue
        do {
            patch = try JSONParser.parse(request.body)
        } catch {
            throw APIError.badRequest("the patch is not valid JSON: \(error)")
        }
        let result: JSONValue
        switch contentType {
        case "application/merge-patch+json":
            result = JSONMergePatch.apply(patch, to: .object(current))
        case "application/strategic-merge-patch+json":
            guard resource.schema == nil else {
                throw APIError(code: 415, reason: "UnsupportedMediaType", message: "strategic merge patch is not supported for custom resources; use a merge patch (--type merge)")
            }
            result = StrategicMergePatch.apply(patch, to: .object(current), schema: resource.mergeSchema)
        case "application/json-patch+json":
            do {
                result = try JSONPatch.apply(patch, to: .object(current))
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: "the JSON patch could not be applied: \(error)")
            }
        default:
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
        }
        guard case .object(let o) = result else { throw APIError.badRequest("the patch did not produce an object") }
        return o
    }

    private func parseLabelSelector(_ text: String?) throws(APIError) -> [LabelRequirement] {
        guard let text, !text.isEmpty else { return [] }
        do {
            return try LabelRequirement.parse(text)
        } catch {
            throw APIError.badRequest("unable to parse requirement: \(error.message)")
        }
    }

    /// `metadata.name=x,metadata.namespace!=y`: (field, value, equals).
    private func parseFieldSelector(_ text: String?) throws(APIError) -> [(String, String, Bool)] {
        guard let text, !text.isEmpty else { return [] }
        var out: [(String, String, Bool)] = []
        for term in text.split(separator: ",") {
            if let range = term.range(of: "!=") {
                out.append((String(term[..<range.lowerBound]), String(term[range.upperBound...]), false))
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                out.append((String(term[..<range.lowerBound]), String(term[range.upperBound...]), true))
            } else {
                throw APIError.badRequest("invalid field selector: \(term)")
            }
        }
        return out
    }
}
