import ChildProcesses
import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KubeAPIServer

/// Other clients as judges: the official Python client, and Terraform's Kubernetes backend (client-go).
@Suite struct ClientCompatibilityTests {
    /// Runs a program with a working directory and extra environment, capturing its output.
    private func run(_ executable: String, _ arguments: [String], directory: String, environment: [String: String] = [:]) async -> (status: Int32, output: String) {
        do {
            let output = try await ChildProcess.run(executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                                    timeout: .seconds(600), mergeOutput: true, workingDirectory: directory)
            return (output.exitCode, output.stdoutText)
        } catch {
            return (-1, "\(error)")
        }
    }

    @Test func officialPythonClientListsWatchesCreatesPatchesAndDeletes() async throws {
        try await TestServer.with(tls: true) { server in
            let script = #"""
                import sys, threading
                from kubernetes import client, config, watch
                config.load_kube_config(config_file=sys.argv[1])
                v1 = client.CoreV1Api()
                ns = "default"
                v1.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py", labels={"app": "py"}), data={"a": "1"}))
                listed = v1.list_namespaced_config_map(ns, label_selector="app=py")
                assert [c.metadata.name for c in listed.items] == ["py"], listed
                rv = listed.metadata.resource_version
                v1.patch_namespaced_config_map("py", ns, {"data": {"b": "2"}})
                got = v1.read_namespaced_config_map("py", ns)
                assert got.data == {"a": "1", "b": "2"}, got.data
                v1.delete_namespaced_config_map("py", ns)
                # Resume a watch from the list's resourceVersion: exactly the patch and the delete.
                seen = []
                for event in watch.Watch().stream(v1.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=2):
                    seen.append((event["type"], event["object"].metadata.name))
                assert seen == [("MODIFIED", "py"), ("DELETED", "py")], seen
                try:
                    v1.read_namespaced_config_map("py", ns)
                    raise SystemExit("expected 404")
                except client.exceptions.ApiException as e:
                    assert e.status == 404, e.status
                print("python client OK")
                """#
            let directory = (server.kubeconfig as NSString).deletingLastPathComponent
            try script.write(toFile: directory + "/client.py", atomically: true, encoding: .utf8)
            let python = try #require(TestEnvironment.which("python3"), "python3 is needed (make test installs its peers)")
            let result = await run(python, ["client.py", server.kubeconfig], directory: directory)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("python client OK"), "\(result.output)")
        }
    }

    @Test func terraformKubernetesBackendKeepsStateInASecretAndLocksWithALease() async throws {
        try await TestServer.with(tls: true) { server in
            let directory = (server.kubeconfig as NSString).deletingLastPathComponent + "/tf"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let configuration = """
                terraform {
                  backend "kubernetes" {
                    secret_suffix = "demo"
                    namespace     = "default"
                    config_path   = "\(server.kubeconfig)"
                  }
                }
                variable "greeting" {
                  default = "hello"
                }
                output "message" {
                  value = "${var.greeting} from kratix"
                }
                """
            try configuration.write(toFile: directory + "/main.tf", atomically: true, encoding: .utf8)
            let environment = ["TF_IN_AUTOMATION": "1", "TF_DATA_DIR": directory + "/.terraform", "HOME": directory, "CHECKPOINT_DISABLE": "1"]
            let terraform = try #require(TestEnvironment.terraform, "\(TestEnvironment.terraformMissing)")
            var result = await run(terraform, ["init", "-input=false", "-no-color"], directory: directory, environment: environment)
            #expect(result.status == 0, "\(result.output)")
            result = await run(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], directory: directory, environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("message = \"hello from kratix\""), "\(result.output)")
            // State lives in a Secret; the lock Lease exists.
            let secrets = BuiltinResources.all.first { $0.plural == "secrets" }!
            let state = try await server.store.get(secrets, namespace: "default", name: "tfstate-default-demo")
            #expect(state["data"]?["tfstate"] != nil)
            let leases = BuiltinResources.all.first { $0.plural == "leases" }!
            _ = try await server.store.get(leases, namespace: "default", name: "lock-tfstate-default-demo")
            result = await run(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], directory: directory, environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("No changes"), "\(result.output)")
        }
    }
}
