import Foundation
import HTTPServing
import KubeAPIServer
import KubeModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// An admission webhook for tests: HTTPS on a free 127.0.0.1 port, with a certificate of its own
/// CA valid for 127.0.0.1, `localhost` and `webhook.default.svc`. Every review it receives is
/// kept (``reviews``); what it answers is decided by `respond` from the path and the review,
/// except on `/hang`, where it never answers (a webhook that times out).
struct TestWebhookServer: Sendable {
    let port: Int
    let caBundle: String
    private let log: ReviewLog

    /// The reviews received so far, oldest first, with the path each was posted to.
    func reviews() async -> [(path: String, review: JSONValue)] { await log.all }

    /// Serves until `body` returns; the server is stopped then.
    /// - Parameter serviceHosts: more DNS names the certificate is valid for (`svc.namespace.svc`).
    static func with<T>(serviceHosts: [String] = [], respond: @escaping @Sendable (_ path: String, _ request: JSONValue) -> JSONObject,
                        _ body: (TestWebhookServer) async throws -> T) async throws -> T {
        let credentials = try ServerCredentials.generate(hosts: ["127.0.0.1", "localhost", "webhook.default.svc"] + serviceHosts)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: tls)
        let listener = try await HTTPListener.bind(.init(host: "127.0.0.1", port: 0) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        })
        let log = ReviewLog()
        let server = TestWebhookServer(port: listener.port, caBundle: Data(credentials.caCertificatePEM.utf8).base64EncodedString(), log: log)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run { connection in await serve(connection, log: log, respond: respond) } }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    /// Answers each POSTed review with `{apiVersion, kind, response: respond(...) + uid}`.
    private static func serve(_ connection: HTTPConnection, log: ReviewLog, respond: @escaping @Sendable (String, JSONValue) -> JSONObject) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                    case .body(let buffer):
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let requestHead = head else { continue }
                        let path = String(requestHead.uri.split(separator: "?", maxSplits: 1).first ?? "")
                        let review = (try? JSONParser.parse(body)) ?? .null
                        await log.append(path: path, review: review)
                        if path == "/hang" { continue }
                        var response = respond(path, review[path: ["request"]] ?? .null)
                        if response["uid"] == nil { response["uid"] = review[path: ["request", "uid"]] ?? .null }
                        let answer: JSONValue = ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response)]
                        let bytes = answer.serializedBytes()
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: "application/json")
                        headers.add(name: "Content-Length", value: String(bytes.count))
                        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: .ok, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                        try await outbound.write(.end(nil))
                    }
                }
            }
        } catch {
            // A client that goes away ends only its connection.
        }
    }

    /// The reviews received: shared between the connections and the test.
    actor ReviewLog {
        var all: [(path: String, review: JSONValue)] = []
        func append(path: String, review: JSONValue) { all.append((path, review)) }
    }
}
