import Foundation
import KratixTestSupport
import KubeModel
import PropertyBased
import Testing

@testable import KubeAPIServer

/// Random values (negative, huge, beyond 64 bits, not numbers, empty, escaped) for every numeric
/// query parameter of every route that takes one, over HTTP: the server answers each with a
/// status a client can act on (200, or a 4xx error) and never dies. The named cases, with the
/// real server's messages, are in ``HostileParameterTests``.
@Suite struct HostileParameterPropertyTests {
    /// Each route and the numeric parameters it reads.
    static let routes: [(method: String, path: String, parameters: [String])] = [
        ("GET", "/api/v1/namespaces/default/configmaps", ["limit", "resourceVersion"]),
        ("GET", "/api/v1/configmaps", ["limit", "resourceVersion"]),
        ("GET", "/api/v1/namespaces/default/configmaps?watch=true", ["timeoutSeconds", "resourceVersion"]),
        ("GET", "/api/v1/namespaces/default/configmaps/settings", ["resourceVersion"]),
        ("GET", "/api/v1/namespaces/default/pods/worker/log", ["tailLines", "limitBytes", "sinceSeconds"]),
        ("GET", "/api/v1/namespaces/default/pods/worker/log?follow=true", ["tailLines", "limitBytes", "sinceSeconds"]),
        ("GET", "/apis/batch/v1/namespaces/default/jobs", ["limit", "timeoutSeconds", "resourceVersion"]),
        ("DELETE", "/api/v1/namespaces/default/configmaps/absent", ["gracePeriodSeconds"]),
    ]

    /// Values no client should send, beside random 64-bit integers.
    static let specials = [
        "", "-1", "0", "-0", "+5", " 7", "1.5", "1e9", "NaN", "Infinity", "0x10", "abc", "%", "%00", "\u{202E}1",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "-123456789012345678901234567890", String(repeating: "9", count: 400),
    ]

    @Test func randomNumericParametersNeverKillTheServer() async throws {
        try await TestServer.with { server in
            try await prepare(server.store)
            let port = try #require(URL(string: server.url)?.port)
            let input = Gen.int(in: 0..<Self.routes.count)
            var answered: Set<Int> = []
            await propertyCheck(count: 300, input: input, Gen.int(in: 0...7), Gen.int64(), Gen.int(in: 0..<Self.specials.count)) {
                route, parameterChoice, number, special in
                let (method, path, parameters) = Self.routes[route]
                let parameter = parameters[parameterChoice % parameters.count]
                // Half plain numbers of any size and sign, half the specials.
                let value = parameterChoice < 4 ? String(number) : Self.specials[special]
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let target = path + (path.contains("?") ? "&" : "?") + "\(parameter)=\(encoded)"
                let status = await Self.status(of: method, target, port: port)
                if let status { answered.insert(status) }
                #expect(status.map { $0 == 200 || (400..<500).contains($0) } == true, "\(method) \(target) answered \(status.map(String.init) ?? "nothing")")
                let alive = await Self.status(of: "GET", "/version", port: port)
                #expect(alive == 200, "the server stopped serving after \(method) \(target)")
            }
            // The values reached the checks: some were served, some refused.
            #expect(answered.contains(200) && answered.contains(400), "\(answered.sorted())")
        }
    }

    private func prepare(_ store: ObjectStore) async throws {
        let pods = try #require(BuiltinResources.all.first { $0.plural == "pods" })
        let configMaps = try #require(BuiltinResources.all.first { $0.plural == "configmaps" })
        _ = try await store.create(pods, namespace: "default", object: [
            "metadata": ["name": "worker"],
            "spec": ["containers": [["name": "main", "image": "busybox"]]],
            "status": ["phase": "Running", "containerStatuses": [["name": "main", "state": ["running": ["startedAt": "2024-01-01T00:00:00Z"]]]]],
        ], dryRun: false)
        _ = try await store.create(configMaps, namespace: "default", object: ["metadata": ["name": "settings"], "data": ["a": "b"]], dryRun: false)
        await store.appendLog("default/worker/main", Array("one\ntwo\n".utf8))
    }

    /// The status code of one request over a connection of its own, read from the status line
    /// alone (a watch or a followed log answers 200 and then streams); `nil` when no answer came
    /// within 10 seconds or the connection failed.
    static func status(of method: String, _ target: String, port: Int) async -> Int? {
        await offPool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return nil }
            let request = Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 512)
            while !received.contains(UInt8(ascii: "\n")) {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return nil }
                received += buffer[0..<n]
            }
            // "HTTP/1.1 200 OK"
            let line = String(decoding: received, as: UTF8.self).split(separator: "\r\n").first ?? ""
            let parts = line.split(separator: " ")
            return parts.count >= 2 ? Int(parts[1]) : nil
        }
    }
}
