import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Parameters from clients that used to trap the server or mislead the client (issue 17), over
/// HTTP through kubectl: each is answered with the real server's error, and the server goes on serving.
@Suite struct HostileParameterTests {
    let pods = BuiltinResources.all.first { $0.plural == "pods" }!
    let serviceAccounts = BuiltinResources.all.first { $0.plural == "serviceaccounts" }!

    private func prepare(_ store: ObjectStore) async throws {
        _ = try await store.create(pods, namespace: "default", object: [
            "metadata": ["name": "worker"],
            "spec": ["containers": [["name": "main", "image": "busybox"]]],
            "status": ["phase": "Running", "containerStatuses": [["name": "main", "state": ["running": ["startedAt": "2024-01-01T00:00:00Z"]]]]],
        ], dryRun: false)
        _ = try await store.create(serviceAccounts, namespace: "default", object: ["metadata": ["name": "robot"]], dryRun: false)
        await store.appendLog("default/worker/main", Array("one\ntwo\n".utf8))
    }

    /// The server still answers an ordinary request.
    private func stillServes(_ server: TestServer) async throws {
        let log = try await server.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/worker/log?tailLines=1"])
        #expect(log.status == 0 && log.stdout == "two\n", "\(log.stderr)")
    }

    @Test func podLogParametersOutOfRangeAreRefused() async throws {
        try await TestServer.with(tls: true) { server in
            try await prepare(server.store)
            let cases: [(query: String, message: String)] = [
                ("tailLines=-1", "tailLines: Invalid value: -1: must be greater than or equal to 0"),
                ("limitBytes=-1", "limitBytes: Invalid value: -1: must be greater than 0"),
                ("follow=true&limitBytes=-1", "limitBytes: Invalid value: -1: must be greater than 0"),
                ("tailLines=-9223372036854775808", "must be greater than or equal to 0"),
                ("tailLines=many", "is not an integer"),
            ]
            for (query, message) in cases {
                let result = try await server.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/worker/log?\(query)"])
                #expect(result.status != 0 && result.stderr.contains(message), "\(query): \(result.stderr)")
                try await stillServes(server)
            }
            let huge = try await server.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/worker/log?tailLines=9223372036854775807&limitBytes=9223372036854775807"])
            #expect(huge.stdout == "one\ntwo\n", "\(huge.stderr)")
        }
    }

    @Test func tokenLifetimesOutsideTheServersBoundsAreRefused() async throws {
        try await TestServer.with(tls: true) { server in
            try await prepare(server.store)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            func request(_ seconds: String) async throws -> TestServer.Output {
                let body = directory + "/body.json"
                try Data(#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":\#(seconds)}}"#.utf8)
                    .write(to: URL(fileURLWithPath: body))
                return try await server.kubectl(["create", "--raw", "/api/v1/namespaces/default/serviceaccounts/robot/token", "-f", body])
            }
            let tooLong = try await request("9223372036854775807")
            #expect(tooLong.status != 0 && tooLong.stderr.contains("may not specify a duration larger than 2^32 seconds"), "\(tooLong.stderr)")
            let negative = try await request("-100")
            #expect(negative.status != 0 && negative.stderr.contains("may not specify a duration less than 10 minutes"), "\(negative.stderr)")
            let bigger = try await request("123456789012345678901234567890")
            #expect(bigger.status != 0 && bigger.stderr.contains("larger than 2^32"), "\(bigger.stderr)")
            let fine = try await request("3600")
            #expect(fine.status == 0 && fine.stdout.contains(#""expirationSeconds":3600"#), "\(fine.stderr)")
            try await stillServes(server)
        }
    }

    @Test func watchTimeoutsAreClampedNotTrapped() async throws {
        try await TestServer.with(tls: true) { server in
            try await prepare(server.store)
            // A negative timeout ends the watch at once, as on the real server.
            let negative = try await server.kubectl(["get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=-5"])
            #expect(negative.status == 0, "\(negative.stderr)")
            // 2^63 - 1 seconds: the watch stays open (kubectl gives up after its own timeout).
            let started = ContinuousClock.now
            let huge = try await server.kubectl(["--request-timeout=1s", "get", "--raw",
                                                 "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=9223372036854775807"])
            #expect(ContinuousClock.now - started >= .seconds(1), "the watch stayed open until kubectl's own timeout")
            #expect(huge.status != 0 && (huge.stderr.contains("Timeout") || huge.stderr.contains("deadline exceeded")), "\(huge.stderr)")
            let bad = try await server.kubectl(["get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=soon"])
            #expect(bad.status != 0 && bad.stderr.contains("is not an integer"), "\(bad.stderr)")
            try await stillServes(server)
        }
    }
    /// A field a resource cannot be selected by is a 400 "field label not supported", as on the
    /// real server, not an empty list; the fields it supports still select.
    @Test func unsupportedFieldSelectorsAreRefused() async throws {
        try await TestServer.with(tls: true) { server in
            try await prepare(server.store)
            let unsupported = try await server.kubectl(["get", "pods", "--field-selector", "spec.foo=bar"])
            #expect(unsupported.status != 0 && unsupported.stderr.contains("field label not supported: spec.foo"), "\(unsupported.stderr)")
            let configMaps = try await server.kubectl(["get", "configmaps", "--field-selector", "data.x=1"])
            #expect(configMaps.status != 0 && configMaps.stderr.contains("field label not supported: data.x"), "\(configMaps.stderr)")
            let byPhase = try await server.kubectl(["get", "pods", "--field-selector", "status.phase=Running", "-o", "name"])
            #expect(byPhase.stdout == "pod/worker\n", "\(byPhase.stderr)")
            let byName = try await server.kubectl(["get", "serviceaccounts", "--field-selector", "metadata.name=robot", "-o", "name"])
            #expect(byName.stdout == "serviceaccount/robot\n", "\(byName.stderr)")
        }
    }
}
