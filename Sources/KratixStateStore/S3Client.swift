import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// How the bucket appears in request URLs.
public enum S3Addressing: String, Sendable, Equatable {
    /// `host/bucket/key` for non-AWS endpoints (MinIO, moto), virtual-hosted for Amazon endpoints
    /// with DNS-compatible bucket names, as minio-go does.
    case auto
    /// `host/bucket/key`.
    case path
    /// `bucket.host/key`.
    case virtualHosted
}

/// A small S3 REST client (the operations Kratix needs), signed with ``SigV4Signer``.
public struct S3Client: Sendable {
    public var endpoint: String
    public var bucket: String
    /// `false` means plain HTTP: upstream's `insecure: true`.
    public var useTLS: Bool
    public var region: String
    public var addressing: S3Addressing
    public var credentials: AWSCredentials
    public var timeout: Duration
    private let http: HTTPClient

    public init(endpoint: String, bucket: String, credentials: AWSCredentials, useTLS: Bool = true,
                region: String? = nil, addressing: S3Addressing = .auto, timeout: Duration = .seconds(60),
                httpClient: HTTPClient = .shared) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.credentials = credentials
        self.useTLS = useTLS
        self.region = region ?? S3Client.region(fromEndpoint: endpoint)
        self.addressing = addressing
        self.timeout = timeout
        self.http = httpClient
    }

    /// `s3.eu-west-2.amazonaws.com` → `eu-west-2`; anything else → `us-east-1`.
    public static func region(fromEndpoint endpoint: String) -> String {
        let host = endpoint.split(separator: ":").first.map(String.init) ?? endpoint
        let labels = host.split(separator: ".")
        guard host.hasSuffix("amazonaws.com"), let i = labels.firstIndex(where: { $0.hasPrefix("s3") }) else { return "us-east-1" }
        let first = labels[i]
        if first.hasPrefix("s3-") { return String(first.dropFirst(3)) }
        if i + 1 < labels.count, labels[i + 1] != "amazonaws", labels[i + 1] != "dualstack" { return String(labels[i + 1]) }
        if i + 2 < labels.count, labels[i + 1] == "dualstack" { return String(labels[i + 2]) }
        return "us-east-1"
    }

    var usesVirtualHost: Bool {
        switch addressing {
        case .path: return false
        case .virtualHosted: return true
        case .auto:
            let host = endpoint.split(separator: ":").first.map(String.init) ?? endpoint
            let dnsCompatible = bucket.range(of: "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", options: .regularExpression) != nil
            return host.hasSuffix("amazonaws.com") && dnsCompatible
        }
    }

    /// A reply: status, headers (lower-cased names) and body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
    }

    /// Sends one signed request. `key` nil addresses the bucket itself.
    public func send(_ method: String, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
                     body: [UInt8] = [], operation: String, date: Date = Date()) async throws(StateStoreError) -> Response {
        let host = usesVirtualHost ? "\(bucket).\(endpoint)" : endpoint
        var rawPath = usesVirtualHost ? "/" : "/\(bucket)"
        if let key { rawPath += usesVirtualHost ? key : "/" + key }
        let payloadHash = SigV4Signer.hex(SHA256.hash(data: body))
        var signedHeaders = headers
        signedHeaders.append(("Host", host))
        signedHeaders.append(("x-amz-content-sha256", payloadHash))
        let signer = SigV4Signer(credentials: credentials, region: region)
        let auth = signer.sign(method: method, path: rawPath, query: query, headers: signedHeaders, payloadHash: payloadHash, date: date)
        var url = (useTLS ? "https://" : "http://") + host + SigV4Signer.encodePath(rawPath)
        if !query.isEmpty {
            // Sub-resources such as `?delete` and `?uploads` go without `=`; they sign as `delete=`.
            url += "?" + query.map { $0.1.isEmpty ? SigV4Signer.encode($0.0) : "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }
                .joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in signedHeaders + auth { request.headers.add(name: name, value: value) }
        if !body.isEmpty || method == "PUT" || method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            let collected = try await response.body.collect(upTo: 64 << 20)
            var headerMap: [String: String] = [:]
            for h in response.headers { headerMap[h.name.lowercased()] = h.value }
            return Response(status: Int(response.status.code), headers: headerMap, body: Array(buffer: collected))
        } catch {
            throw StateStoreError(.transport(operation: "S3 \(operation) on \(host)", detail: "\(error)"))
        }
    }

    /// Throws a clear error for a non-2xx reply; credential problems become
    /// ``StateStoreError/Reason/authenticationFailed(target:detail:)``.
    func check(_ response: Response, operation: String, key: String?) throws(StateStoreError) {
        guard !(200..<300).contains(response.status) else { return }
        let document = S3ErrorDocument(xml: response.body)
        let code = document?.code ?? (response.status == 404 ? "NotFound" : response.status == 403 ? "AccessDenied" : "HTTP\(response.status)")
        let message = document?.message ?? "no error document"
        let authCodes: Set<String> = ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken",
                                      "ExpiredToken", "InvalidSecurity", "AuthorizationHeaderMalformed", "InvalidClientTokenId"]
        if authCodes.contains(code) || (document == nil && response.status == 403) {
            throw StateStoreError(.authenticationFailed(
                target: "bucket \"\(bucket)\" at \(endpoint)",
                detail: "\(operation) was refused: \(code): \(message) (check accessKeyID and secretAccessKey)"))
        }
        throw StateStoreError(.s3(operation: operation, key: key, status: response.status, code: code, message: message))
    }

    // MARK: Operations

    /// Uploads an object; returns its ETag (unquoted) and version id (empty on unversioned buckets).
    public func putObject(_ key: String, _ content: [UInt8], contentType: String = "application/octet-stream") async throws(StateStoreError) -> (eTag: String, versionID: String) {
        let md5 = Data(Insecure.MD5.hash(data: content)).base64EncodedString()
        let response = try await send("PUT", key: key, headers: [("Content-Type", contentType), ("Content-MD5", md5)],
                                      body: content, operation: "PutObject")
        try check(response, operation: "PutObject", key: key)
        return (S3ListPage.unquote(response.headers["etag"] ?? ""), response.headers["x-amz-version-id"] ?? "")
    }

    /// The object's bytes, or nil when it does not exist.
    public func getObject(_ key: String) async throws(StateStoreError) -> [UInt8]? {
        let response = try await send("GET", key: key, operation: "GetObject")
        if response.status == 404 { return nil }
        try check(response, operation: "GetObject", key: key)
        return response.body
    }

    /// The object's ETag (unquoted), or nil when it does not exist.
    public func headObject(_ key: String) async throws(StateStoreError) -> String? {
        let response = try await send("HEAD", key: key, operation: "HeadObject")
        if response.status == 404 { return nil }
        try check(response, operation: "HeadObject", key: key)
        return S3ListPage.unquote(response.headers["etag"] ?? "")
    }

    public func deleteObject(_ key: String) async throws(StateStoreError) {
        let response = try await send("DELETE", key: key, operation: "DeleteObject")
        if response.status == 404 { return }
        try check(response, operation: "DeleteObject", key: key)
    }

    /// Deletes many objects, 1,000 per request (`POST ?delete`, quiet mode).
    public func deleteObjects(_ keys: [String]) async throws(StateStoreError) {
        for chunk in keys.chunked(into: 1000) {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for key in chunk { xml += "<Object><Key>\(S3Client.xmlEscaped(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let response = try await send("POST", key: nil, query: [("delete", "")],
                                          headers: [("Content-MD5", md5), ("Content-Type", "application/xml")],
                                          body: body, operation: "DeleteObjects")
            try check(response, operation: "DeleteObjects", key: nil)
            if let root = try? XMLElement.parse(response.body), let failure = root.all("Error").first {
                throw StateStoreError(.s3(operation: "DeleteObjects", key: failure.value("Key"), status: response.status,
                                          code: failure.value("Code") ?? "", message: failure.value("Message") ?? ""))
            }
        }
    }

    /// One page of `ListObjectsV2` under `prefix`.
    public func listObjectsPage(prefix: String, continuationToken: String? = nil, maxKeys: Int? = nil) async throws(StateStoreError) -> S3ListPage {
        var query: [(String, String)] = [("list-type", "2"), ("prefix", prefix)]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        let response = try await send("GET", key: nil, query: query, operation: "ListObjectsV2")
        try check(response, operation: "ListObjectsV2", key: prefix)
        return try S3ListPage(xml: response.body)
    }

    /// Every object under `prefix`, following continuation tokens.
    public func listObjects(prefix: String, pageSize: Int? = nil) async throws(StateStoreError) -> [S3ListPage.Object] {
        var all: [S3ListPage.Object] = []
        var token: String?
        repeat {
            let page = try await listObjectsPage(prefix: prefix, continuationToken: token, maxKeys: pageSize)
            all += page.objects
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        return all
    }

    /// Whether the bucket exists and the credentials can reach it.
    public func headBucket() async throws(StateStoreError) -> Bool {
        let response = try await send("HEAD", key: nil, operation: "HeadBucket")
        if response.status == 404 { return false }
        try check(response, operation: "HeadBucket", key: nil)
        return true
    }

    /// Upstream's permission check: start a multipart upload and abort it at once.
    public func checkWriteAccess(key: String) async throws(StateStoreError) {
        let started = try await send("POST", key: key, query: [("uploads", "")], operation: "CreateMultipartUpload")
        try check(started, operation: "CreateMultipartUpload", key: key)
        guard let uploadID = (try? XMLElement.parse(started.body))?.value("UploadId") else {
            throw StateStoreError(.s3(operation: "CreateMultipartUpload", key: key, status: started.status, code: "MalformedXML", message: "no UploadId in the reply"))
        }
        // A failure to abort is only a warning upstream; the upload expires by lifecycle rules.
        _ = try? await send("DELETE", key: key, query: [("uploadId", uploadID)], operation: "AbortMultipartUpload")
    }

    static func xmlEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
