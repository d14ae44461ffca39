import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// The real kubectl is the judge of the embedded API server.
@Suite(.serialized) struct KubectlTests {
    @Test func installManifestsApplyWithClientDryRun() async throws {
        try await TestServer.with { server in
            let result = try await server.kubectl(["apply", "--dry-run=client", "-k", TestServer.repositoryRoot.appendingPathComponent("manifests").path])
            #expect(result.status == 0, "\(result.stderr)")
            let created = result.stdout.split(separator: "\n").filter { $0.hasSuffix("created (dry run)") }
            #expect(created.count == 21, "\(result.stdout)")
            #expect(result.stdout.contains("customresourcedefinition.apiextensions.k8s.io/promises.platform.kratix.io created (dry run)"))
            #expect(result.stdout.contains("deployment.apps/kratix-platform-controller-manager created (dry run)"))
        }
    }

    @Test func applyingACRDServesItsKindAtOnce() async throws {
        try await TestServer.with { server in
            let crd = TestServer.fixtures.appendingPathComponent("kratix/samples/redis/redis-crd.yaml").path
            var result = try await server.kubectl(["apply", "-f", crd])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["get", "crd", "-o", "json"])
            let list = try JSONParser.parse(result.stdout)
            let conditions = list["items"]?.arrayValue?.first?[path: ["status", "conditions"]]?.arrayValue ?? []
            #expect(conditions.contains { $0["type"] == "Established" && $0["status"] == "True" })

            let redis = """
                apiVersion: redis.redis.opstreelabs.in/v1beta1
                kind: Redis
                metadata:
                  name: example
                spec:
                  kubernetesConfig:
                    image: quay.io/opstree/redis:v6.2
                """
            result = try await server.kubectl(["apply", "-f", "-"], stdin: redis)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("redis.redis.redis.opstreelabs.in/example created"), "\(result.stdout)")
            result = try await server.kubectl(["get", "redis", "example", "-o", "jsonpath={.spec.kubernetesConfig.image}"])
            #expect(result.stdout == "quay.io/opstree/redis:v6.2", "\(result.stderr)")
        }
    }

    @Test func createGetLabelAndDeleteBuiltins() async throws {
        try await TestServer.with { server in
            var result = try await server.kubectl(["create", "namespace", "team-a"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["-n", "team-a", "create", "configmap", "settings", "--from-literal=a=1"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["-n", "team-a", "label", "configmap", "settings", "tier=gold"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["-n", "team-a", "get", "configmaps", "-l", "tier=gold", "-o", "jsonpath={.items[*].metadata.name}"])
            #expect(result.stdout == "settings", "\(result.stderr)")
            result = try await server.kubectl(["-n", "team-a", "get", "configmaps", "-l", "tier!=gold", "-o", "jsonpath={.items[*].metadata.name}"])
            #expect(result.stdout == "")
            result = try await server.kubectl(["-n", "team-a", "delete", "configmap", "settings"])
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["-n", "team-a", "get", "configmap", "settings"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("NotFound") || result.stderr.contains("not found"))
        }
    }

    @Test func namespacesMustExistAndNamesMustBeValid() async throws {
        try await TestServer.with { server in
            var result = try await server.kubectl(["-n", "missing", "create", "configmap", "x"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("namespaces \"missing\" not found"), "\(result.stderr)")
            result = try await server.kubectl(["create", "configmap", "Not_Valid"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("is invalid"), "\(result.stderr)")
        }
    }
}
