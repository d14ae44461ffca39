import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// `pods/log?follow=true`: what is there, then what is appended, until the container ends.
@Suite struct LogFollowTests {
    let pods = BuiltinResources.all.first { $0.plural == "pods" }!

    private func createPod(_ store: ObjectStore) async throws {
        _ = try await store.create(pods, namespace: "default", object: [
            "metadata": ["name": "worker"],
            "spec": ["containers": [["name": "main", "image": "busybox"]]],
            "status": ["phase": "Running", "containerStatuses": [["name": "main", "state": ["running": ["startedAt": "2024-01-01T00:00:00Z"]]]]],
        ], dryRun: false)
    }

    private func terminate(_ store: ObjectStore) async throws {
        var pod = try await store.get(pods, namespace: "default", name: "worker")
        pod["status"] = ["phase": "Succeeded", "containerStatuses": [["name": "main", "state": ["terminated": ["exitCode": 0]]]]]
        _ = try await store.update(pods, namespace: "default", name: "worker", object: pod, subresource: "status", dryRun: false)
    }

    @Test func aFollowerGetsTheLogSoFarThenAppendsUntilTheContainerTerminates() async throws {
        let store = ObjectStore()
        try await createPod(store)
        await store.appendLog("default/worker/main", Array("one\n".utf8))
        let handler = APIHandler(store: store)
        guard case .stream(let body) = await handler.respond(APIRequest(method: "GET", target: "/api/v1/namespaces/default/pods/worker/log?follow=true")) else {
            Issue.record("expected a streamed response")
            return
        }
        #expect(body.initial == Array("one\n".utf8))
        await store.appendLog("default/worker/main", Array("two\n".utf8))
        await store.appendLog("default/worker/main", Array("three\n".utf8))
        try await terminate(store)
        var received: [UInt8] = []
        for await chunk in body.chunks { received += chunk }
        #expect(String(decoding: received, as: UTF8.self) == "two\nthree\n")
    }

    @Test func followingAFinishedContainerEndsAtOnce() async throws {
        let store = ObjectStore()
        try await createPod(store)
        await store.appendLog("default/worker/main", Array("done\n".utf8))
        try await terminate(store)
        guard case .stream(let body) = await APIHandler(store: store).respond(APIRequest(method: "GET", target: "/api/v1/namespaces/default/pods/worker/log?follow=true&container=main")) else {
            Issue.record("expected a streamed response")
            return
        }
        var count = 0
        for await _ in body.chunks { count += 1 }
        #expect(body.initial == Array("done\n".utf8) && count == 0)
    }

    @Test func deletingThePodEndsItsFollowers() async throws {
        let store = ObjectStore()
        try await createPod(store)
        let (_, stream) = await store.followLog("default/worker/main", pod: try await store.get(pods, namespace: "default", name: "worker"), container: "main")
        _ = try await store.delete(pods, namespace: "default", name: "worker", dryRun: false)
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 0)
    }

    @Test func kubectlLogsFollowStreamsOverHTTP() async throws {
        try await TestServer.with(tls: true) { server in
            try await createPod(server.store)
            await server.store.appendLog("default/worker/main", Array("first\n".utf8))
            async let followed = server.kubectl(["logs", "-f", "worker"])
            // Give kubectl time to connect before more output arrives.
            try await Task.sleep(for: .milliseconds(700))
            await server.store.appendLog("default/worker/main", Array("second\n".utf8))
            try await Task.sleep(for: .milliseconds(200))
            try await terminate(server.store)
            let result = try await followed
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "first\nsecond\n", "\(result.stderr)")
            let limited = try await server.kubectl(["logs", "-f", "worker", "--limit-bytes=3"])
            #expect(limited.stdout == "fir")
        }
    }
}
