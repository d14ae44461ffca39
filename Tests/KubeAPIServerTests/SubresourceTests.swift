import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

@Suite struct SubresourceTests {
    @Test func kubectlLogsReadsWhatTheRunnerAppended() async throws {
        try await TestServer.with(tls: true) { server in
            let pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: worker}
                spec:
                  initContainers: [{name: reader, image: kratix}]
                  containers: [{name: main, image: busybox}]
                """
            var result = try await server.kubectl(["apply", "-f", "-"], stdin: pod)
            #expect(result.status == 0, "\(result.stderr)")
            let handler = APIHandler(store: server.store)
            for (container, text) in [("reader", "read the object\n"), ("main", "line 1\nline 2\n"), ("main", "line 3\n")] {
                let response = await handler.handle(APIRequest(method: "POST", target: "/api/v1/namespaces/default/pods/worker/log?container=\(container)", body: Array(text.utf8)))
                #expect(response.status == 200)
            }
            result = try await server.kubectl(["logs", "worker"])
            #expect(result.stdout == "line 1\nline 2\nline 3\n", "\(result.stderr)")
            result = try await server.kubectl(["logs", "worker", "-c", "reader"])
            #expect(result.stdout == "read the object\n", "\(result.stderr)")
            result = try await server.kubectl(["logs", "worker", "--tail=1"])
            #expect(result.stdout == "line 3\n", "\(result.stderr)")
            result = try await server.kubectl(["logs", "worker", "-c", "nope"])
            #expect(result.status != 0)
        }
    }

    @Test func serviceAccountTokensAuthenticate() async throws {
        try await TestServer.with(tls: true) { server in
            var result = try await server.kubectl(["create", "serviceaccount", "pipeline"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["create", "token", "pipeline", "--duration=10m"])
            #expect(result.status == 0, "\(result.stderr)")
            let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count == 64)
            result = try await server.kubectl(["--token", token, "get", "serviceaccounts", "-o", "name"])
            #expect(result.stdout.contains("serviceaccount/pipeline"), "\(result.stderr)")
        }
    }
}
