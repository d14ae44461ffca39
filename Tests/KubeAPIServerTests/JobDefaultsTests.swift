import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Jobs as the real Job registry stores them (issue 16): the selector and template labels that let
/// `kubectl logs job/x` find x's pods, the count defaults, and restartPolicy checked.
@Suite struct JobDefaultsTests {
    let pods = BuiltinResources.all.first { $0.plural == "pods" }!

    @Test func aJobGetsItsSelectorLabelsAndDefaultsAsOnARealCluster() async throws {
        try await TestServer.with { server in
            #expect(try await server.kubectl(["create", "job", "x", "--image=busybox"]).status == 0)
            let job = try JSONParser.parse(try await server.kubectl(["get", "job", "x", "-o", "json"]).stdout)
            let uid = try #require(job[path: ["metadata", "uid"]]?.stringValue)
            #expect(job[path: ["spec", "selector"]] == ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]])
            #expect(job[path: ["spec", "template", "metadata", "labels"]] == [
                "batch.kubernetes.io/controller-uid": .string(uid), "batch.kubernetes.io/job-name": "x", "controller-uid": .string(uid), "job-name": "x",
            ])
            for (field, value) in [("backoffLimit", JSONValue.int(6)), ("completions", 1), ("parallelism", 1), ("completionMode", "NonIndexed"), ("suspend", false)] {
                #expect(job[path: ["spec", field]] == value, "\(field)")
            }
            let container = job[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
            #expect(container?["imagePullPolicy"] == "Always" && container?["terminationMessagePath"] == "/dev/termination-log")
            #expect(job[path: ["spec", "template", "spec", "dnsPolicy"]] == "ClusterFirst")

            let always = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: bad}\nspec: {template: {spec: {restartPolicy: Always, containers: [{name: c, image: busybox}]}}}\n"
            let refused = try await server.kubectl(["create", "-f", "-"], stdin: always)
            #expect(refused.status != 0 && refused.stderr.contains(#"spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never""#), "\(refused.stderr)")
        }
    }

    /// `kubectl logs job/x` reads x's pod, not another Job's pod in the namespace.
    @Test func kubectlLogsJobReadsThatJobsPod() async throws {
        try await TestServer.with { server in
            for name in ["other", "x"] {
                #expect(try await server.kubectl(["create", "job", name, "--image=busybox"]).status == 0)
                let job = try JSONParser.parse(try await server.kubectl(["get", "job", name, "-o", "json"]).stdout)
                let labels = job[path: ["spec", "template", "metadata", "labels"]] ?? [:]
                _ = try await server.store.create(pods, namespace: "default", object: [
                    "metadata": ["name": .string("\(name)-pod"), "labels": labels],
                    "spec": ["containers": [["name": "x", "image": "busybox"]], "restartPolicy": "Never"],
                    "status": ["phase": "Succeeded", "containerStatuses": [["name": "x", "state": ["terminated": ["exitCode": 0]]]]],
                ], dryRun: false)
                await server.store.appendLog("default/\(name)-pod/x", Array("log of \(name)\n".utf8))
            }
            let logs = try await server.kubectl(["logs", "job/x"])
            #expect(logs.stdout == "log of x\n", "\(logs.stdout) \(logs.stderr)")
        }
    }
}
