import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// The kubectl commands platform engineers use every day, against the embedded server.
@Suite struct KubectlAcceptanceTests {
    @Test func everydayCommands() async throws {
        try await TestServer.with(tls: true) { server in
            func ok(_ args: [String], stdin: String? = nil, _ note: String = "") async throws -> String {
                let r = try await server.kubectl(args, stdin: stdin)
                #expect(r.status == 0, "kubectl \(args.joined(separator: " ")): \(r.stderr)")
                return r.stdout
            }
            let promiseCRD = TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_promises.yaml").path
            _ = try await ok(["apply", "-f", promiseCRD])
            _ = try await ok(["apply", "-f", TestServer.fixtures.appendingPathComponent("kratix/core/assets/promise.yaml").path])
            var out = try await ok(["get", "promises"])
            #expect(out.contains("testbundle") && out.contains("API VERSION"), "\(out)")

            let job = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: hello, namespace: default}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: main, image: busybox, command: [echo, hi]}
                      - {name: side, image: busybox}
                """
            _ = try await ok(["apply", "-f", "-"], stdin: job)
            // Re-applying a changed built-in uses a strategic merge patch: containers merge by name.
            _ = try await ok(["apply", "-f", "-"], stdin: job.replacingOccurrences(of: "command: [echo, hi]", with: "command: [echo, bye]"))
            out = try await ok(["get", "job", "hello", "-o", "jsonpath={.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].command[1]}"])
            #expect(out == "main side bye", "\(out)")

            _ = try await ok(["create", "secret", "generic", "creds", "--from-literal=password=s3cr3t"])
            out = try await ok(["get", "secret", "creds", "-o", "yaml"])
            #expect(out.contains("password: czNjcjN0"), "\(out)")
            _ = try await ok(["annotate", "secret", "creds", "owner=platform"])
            out = try await ok(["get", "secret", "creds", "-o", "jsonpath={.metadata.annotations.owner}"])
            #expect(out == "platform", "\(out)")

            _ = try await ok(["create", "configmap", "patched", "--from-literal=a=1"])
            _ = try await ok(["patch", "configmap", "patched", "--type", "merge", "-p", #"{"data":{"b":"2"}}"#])
            _ = try await ok(["patch", "configmap", "patched", "--type", "json", "-p", #"[{"op":"remove","path":"/data/a"}]"#])
            _ = try await ok(["patch", "configmap", "patched", "--type", "strategic", "-p", #"{"data":{"c":"3"}}"#])
            out = try await ok(["get", "configmap", "patched", "-o", "json"])
            #expect(try JSONParser.parse(out)["data"] == ["b": "2", "c": "3"], "\(out)")

            out = try await ok(["describe", "configmap", "patched"])
            #expect(out.contains("Name:") && out.contains("patched"), "\(out)")

            // Server-side apply records a field manager.
            let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {k: v}\n"
            _ = try await ok(["apply", "--server-side", "--field-manager=team-a", "-f", "-"], stdin: cm)
            out = try await ok(["get", "configmap", "ssa", "-o", "jsonpath={.data.k} {.metadata.managedFields[0].manager}"])
            #expect(out == "v team-a", "\(out)")
            let conflict = try await server.kubectl(["apply", "--server-side", "--field-manager=team-b", "-f", "-"], stdin: cm.replacingOccurrences(of: "k: v", with: "k: w"))
            #expect(conflict.status != 0 && conflict.stderr.contains("conflict"), "\(conflict.stderr)")
            _ = try await ok(["apply", "--server-side", "--force-conflicts", "--field-manager=team-b", "-f", "-"], stdin: cm.replacingOccurrences(of: "k: v", with: "k: w"))
            out = try await ok(["get", "configmap", "ssa", "-o", "jsonpath={.data.k}"])
            #expect(out == "w", "\(out)")

            // A finalizer keeps a deleted object Terminating until it is removed.
            _ = try await ok(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n")
            _ = try await ok(["delete", "configmap", "held", "--wait=false"])
            out = try await ok(["get", "configmap", "held", "-o", "jsonpath={.metadata.deletionTimestamp}"])
            #expect(!out.isEmpty)
            _ = try await ok(["patch", "configmap", "held", "--type", "json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#])
            let gone = try await server.kubectl(["get", "configmap", "held"])
            #expect(gone.status != 0)

            // Wait for a condition that the test sets through the status subresource.
            let crdName = "promises.platform.kratix.io"
            out = try await ok(["wait", "--for=condition=Established", "crd/\(crdName)", "--timeout=10s"])
            #expect(out.contains("condition met"), "\(out)")

            out = try await ok(["api-resources"])
            #expect(out.contains("promises") && out.contains("platform.kratix.io") && out.contains("configmaps"), "\(out)")
            out = try await ok(["explain", "promise.spec.destinationSelectors"])
            #expect(out.contains("destinationSelectors"), "\(out)")
        }
    }
}
