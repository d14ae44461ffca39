import Foundation
import KubeClient
import KubeModel
import Testing

/// Retries, Retry-After and watch streaming against a server that misbehaves on purpose.
@Suite struct ScriptedServerTests {
    static let configMapJSON = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","resourceVersion":"5"}}"#
    static let throttled = #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","code":429}"#
    static let unavailable = #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","code":503}"#

    func client(_ server: ScriptedServer, maxRetries: Int = 3) throws -> KubeClient {
        var configuration = ClientConfiguration(server: server.url, credentials: .bearerToken("t"))
        configuration.qps = 0
        configuration.maxRetries = maxRetries
        return try KubeClient(configuration: configuration, logger: quietLogger)
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        try await ScriptedServer.with({ index, _ in
            index == 0 ? .json(429, Self.throttled, headers: [("Retry-After", "1")]) : .json(200, Self.configMapJSON)
        }) { server in
            try await using(try client(server)) { client in
                let clock = ContinuousClock()
                var object: KubeObject?
                let elapsed = try await clock.measure {
                    // 429 is retried even for POST: the server did not process the request.
                    object = try await client.create(.configMaps, configMap("c"))
                }
                #expect(object?.name == "c")
                #expect(elapsed >= .seconds(1))
                #expect(server.requests == ["POST /api/v1/namespaces/default/configmaps", "POST /api/v1/namespaces/default/configmaps"])
            }
        }
    }

    @Test func serverErrorsAreRetriedOnlyForIdempotentVerbs() async throws {
        try await ScriptedServer.with({ index, request in
            if request.hasPrefix("GET"), index >= 3 { return .json(200, Self.configMapJSON) }
            return .json(503, Self.unavailable)
        }) { server in
            try await using(try client(server)) { client in
                await #expect {
                    try await client.patch(.configMaps, name: "c", namespace: "default", .merge([:]))
                } throws: { error in
                    guard case .server(let status) = error as? ClientError else { return false }
                    return status.code == 503
                }
                #expect(server.requests.count == 1)
                // GET: 503, 503, then 200 (attempts 2 and 3).
                let object = try await client.get(.configMaps, name: "c", namespace: "default")
                #expect(object.resourceVersion == "5")
                #expect(server.requests.count == 4)
            }
        }
    }

    @Test func retriesAreBounded() async throws {
        try await ScriptedServer.with({ _, _ in
            Response(status: 502, headers: [("Content-Type", "text/html")], chunks: [Array("<html>bad gateway</html>".utf8)])
        }) { server in
            try await using(try client(server, maxRetries: 2)) { client in
                await #expect {
                    try await client.get(.configMaps, name: "c", namespace: "default")
                } throws: { error in
                    guard case .server(let status) = error as? ClientError else { return false }
                    return status.code == 502 && "\(error)".contains("bad gateway")
                }
                #expect(server.requests.count == 3)
            }
        }
    }

    @Test func watchReadsOddChunksAndThrowsGoneMidStream() async throws {
        func event(_ name: String, _ rv: Int) -> String {
            #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","resourceVersion":"\#(rv)"}}}"#
        }
        let body = event("a", 1) + "\n" + event("b", 2) + "\n" + #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"3"}}}"# + "\n"
            + #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (3)","reason":"Expired","code":410}}"# + "\n"
            + event("never", 4) + "\n"
        let bytes = Array(body.utf8)
        // Cut at odd places: inside a line, across lines, several lines together.
        let cuts = [7, 60, 61, 200, 201, bytes.count - 10]
        var chunks: [[UInt8]] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            chunks.append(Array(bytes[start..<cut]))
            start = cut
        }
        let response = ScriptedServer.Response(status: 200, chunks: chunks, delay: .milliseconds(20))
        try await ScriptedServer.with({ _, _ in response }) { server in
            try await using(try client(server)) { client in
                var events: [WatchEvent] = []
                await #expect {
                    for try await event in client.watch(.configMaps, options: WatchOptions(resourceVersion: "1")) {
                        events.append(event)
                    }
                } throws: { error in
                    if case .gone = error as? ClientError { return true }
                    return false
                }
                #expect(events.map(\.type) == [.added, .added, .bookmark])
                #expect(events.compactMap(\.resourceVersion) == ["1", "2", "3"])
                #expect(server.requests == ["GET /api/v1/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true"])
            }
        }
    }

    @Test func watchEndsNormallyWhenTheServerEndsTheStream() async throws {
        let line = Array((#"{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"9"}}}"# + "\n").utf8)
        try await ScriptedServer.with({ _, _ in .init(status: 200, chunks: [line, line], delay: .milliseconds(50)) }) { server in
            try await using(try client(server)) { client in
                var count = 0
                for try await event in client.watch(.configMaps, namespace: "x") {
                    #expect(event.type == .modified)
                    count += 1
                }
                #expect(count == 2)
            }
        }
    }
}

typealias Response = ScriptedServer.Response
