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
            #expect(created.count == 27, "\(result.stdout)")
            #expect(result.stdout.contains("customresourcedefinition.apiextensions.k8s.io/promises.platform.kratix.io created (dry run)"))
            #expect(result.stdout.contains("validatingwebhookconfiguration.admissionregistration.k8s.io/kratix-platform-validating-webhook-configuration created (dry run)"))
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

            // A real custom resource validates against the real CRD.
            let request = TestServer.fixtures.appendingPathComponent("kratix/samples/redis/redis-resource-request.yaml").path
            result = try await server.kubectl(["apply", "-f", request])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("redis.redis.redis.opstreelabs.in/opstree-redis created"), "\(result.stdout)")
            result = try await server.kubectl(["get", "redis", "opstree-redis", "-o", "jsonpath={.spec.global.image}"])
            #expect(result.stdout == "quay.io/opstree/redis:v6.2", "\(result.stderr)")
            // One missing its required fields is rejected with each field named.
            let incomplete = """
                apiVersion: redis.redis.opstreelabs.in/v1beta1
                kind: Redis
                metadata:
                  name: incomplete
                spec:
                  kubernetesConfig:
                    image: quay.io/opstree/redis:v6.2
                """
            // (--validate=false: `kubernetesConfig` is not in this CRD, and strict validation would stop there.)
            result = try await server.kubectl(["apply", "--validate=false", "-f", "-"], stdin: incomplete)
            #expect(result.status != 0)
            for field in ["spec.global", "spec.mode", "spec.redisConfig", "spec.service"] {
                #expect(result.stderr.contains("\(field): Required value"), "\(result.stderr)")
            }
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
            #expect(result.stdout == "kube-root-ca.crt", "only the namespace's root CA, as on a real cluster")
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

@Suite struct KubectlTableTests {
    @Test func getPrintsPrinterColumnsAndPagination() async throws {
        try await TestServer.with { server in
            var result = try await server.kubectl(["apply", "-f", TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_destinations.yaml").path])
            #expect(result.status == 0, "\(result.stderr)")
            let destination = """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Destination
                metadata: {name: worker-1, labels: {environment: dev}}
                spec: {path: worker-1, stateStoreRef: {kind: GitStateStore, name: default}}
                """
            result = try await server.kubectl(["apply", "-f", "-"], stdin: destination)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["get", "destinations"])
            #expect(result.status == 0, "\(result.stderr)")
            let header = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.contains("STATESTOREKIND") && header.contains("STATESTORENAME") && header.contains("READY"), "\(result.stdout)")
            #expect(result.stdout.contains("worker-1") && result.stdout.contains("GitStateStore"), "\(result.stdout)")
            result = try await server.kubectl(["get", "dest", "worker-1", "-o", "name"])
            #expect(result.stdout == "destination.platform.kratix.io/worker-1\n", "\(result.stderr)")

            for i in 0..<7 { _ = try await server.kubectl(["create", "configmap", "page-\(i)"]) }
            result = try await server.kubectl(["get", "configmaps", "--chunk-size=2", "-o", "name"])
            #expect(result.stdout.split(separator: "\n").filter { $0.contains("page-") }.count == 7, "\(result.stdout) \(result.stderr)")
            result = try await server.kubectl(["get", "ns"])
            #expect(result.stdout.contains("STATUS") && result.stdout.contains("Active"), "\(result.stdout)")
        }
    }

    /// Ages as the real server renders `date` cells: `12s`, not a timestamp, for built-in kinds and
    /// CRD printer columns alike.
    @Test func agesAreRenderedAsDurations() async throws {
        try await TestServer.with { server in
            let crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.example.com}
                spec:
                  group: example.com
                  names: {kind: Gadget, plural: gadgets}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    additionalPrinterColumns: [{name: Age, type: date, jsonPath: .metadata.creationTimestamp}]
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """
            #expect(try await server.kubectl(["apply", "-f", "-"], stdin: crd).status == 0)
            _ = try await server.kubectl(["create", "configmap", "aged"])
            let created = try await server.kubectl(["apply", "-f", "-"], stdin: "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: aged}\n")
            #expect(created.status == 0, "\(created.stderr)")
            for kind in ["configmaps", "gadgets"] {
                let result = try await server.kubectl(["get", kind, "aged", "--no-headers"])
                let age = result.stdout.split(separator: " ", omittingEmptySubsequences: true).last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
                #expect(age.range(of: #"^[0-9]+s$"#, options: .regularExpression) != nil, "\(kind): \(result.stdout) \(result.stderr)")
            }
        }
    }

    /// Pod STATUS as kubectl shows it from a real server, and a CRD's CREATED AT stays a timestamp.
    @Test func podStatusAndCRDCreatedAtAsOnARealServer() async throws {
        func pod(_ status: JSONValue, initContainers: Bool = false, deleting: Bool = false) -> JSONValue {
            var spec: JSONObject = ["containers": [["name": "main"]]]
            if initContainers { spec["initContainers"] = [["name": "reader"]] }
            var metadata: JSONObject = ["name": "p"]
            if deleting { metadata["deletionTimestamp"] = "2026-01-01T00:00:00Z" }
            return ["metadata": .object(metadata), "spec": .object(spec), "status": status]
        }
        let completed: JSONValue = ["phase": "Succeeded", "containerStatuses": [["name": "main", "state": ["terminated": ["exitCode": 0, "reason": "Completed"]]]]]
        #expect(TableConverter.podStatus(pod(completed)) == "Completed")
        #expect(TableConverter.podStatus(pod(["phase": "Failed", "containerStatuses": [["name": "main", "state": ["terminated": ["exitCode": 3]]]]])) == "ExitCode:3")
        #expect(TableConverter.podStatus(pod(["phase": "Pending", "initContainerStatuses": [["name": "reader", "state": ["running": [:]]]]], initContainers: true)) == "Init:0/1")
        #expect(TableConverter.podStatus(pod(["phase": "Failed", "initContainerStatuses": [["name": "reader", "state": ["terminated": ["exitCode": 1, "reason": "Error"]]]]], initContainers: true)) == "Init:Error")
        #expect(TableConverter.podStatus(pod(["phase": "Running", "containerStatuses": [["name": "main", "ready": true, "state": ["running": [:]]]]])) == "Running")
        #expect(TableConverter.podStatus(pod(["phase": "Running"], deleting: true)) == "Terminating")
        try await TestServer.with { server in
            _ = try await server.kubectl(["apply", "-f", TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_destinations.yaml").path])
            let crds = try await server.kubectl(["get", "crd", "destinations.platform.kratix.io", "--no-headers"])
            let createdAt = crds.stdout.split(separator: " ", omittingEmptySubsequences: true).last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            #expect(Timestamp.parse(createdAt) != nil, "\(crds.stdout)")
        }
    }

    static let durations: [(Double, String)] = [
        (0.4, "0s"), (-1.0, "0s"), (-5.0, "<invalid>"), (119, "119s"), (120, "2m"), (252, "4m12s"), (600, "10m"),
        (3 * 3600, "3h"), (3 * 3600 + 600, "3h10m"), (9 * 3600, "9h"), (2 * 86_400, "2d"), (2 * 86_400 + 3600, "2d1h"),
        (30 * 86_400, "30d"), (3 * 365 * 86_400 + 86_400, "3y1d"), (9 * 365 * 86_400, "9y"),
    ]

    @Test(arguments: durations)
    func humanDurationsMatchApimachinery(_ seconds: Double, _ text: String) {
        #expect(HumanDuration.format(seconds: seconds) == text)
    }
}

@Suite struct CustomResourceValidationTests {
    @Test func kratixCRDsDefaultPruneAndValidate() async throws {
        try await TestServer.with { server in
            var result = try await server.kubectl(["apply", "-f", TestServer.repositoryRoot.appendingPathComponent("manifests/crds/platform.kratix.io_destinations.yaml").path])
            #expect(result.status == 0, "\(result.stderr)")
            let destination = """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Destination
                metadata: {name: defaults}
                spec: {path: here, stateStoreRef: {kind: GitStateStore, name: default}, bogus: dropped}
                """
            result = try await server.kubectl(["create", "--validate=false", "-f", "-"], stdin: destination)
            #expect(result.status == 0, "\(result.stderr)")
            result = try await server.kubectl(["get", "destination", "defaults", "-o", "json"])
            let object = try JSONParser.parse(result.stdout)
            #expect(object[path: ["spec", "filepath", "mode"]] == "nestedByMetadata")
            #expect(object[path: ["spec", "cleanup"]] == "none")
            #expect(object[path: ["spec", "initWorkloads", "enabled"]] == true)
            #expect(object[path: ["spec", "bogus"]] == nil)

            // kubectl validates strictly by default: an unknown field is an error and nothing is written;
            // --validate=warn writes (pruned) and prints the server's warning.
            let strict = destination.replacingOccurrences(of: "name: defaults", with: "name: strict")
            result = try await server.kubectl(["create", "-f", "-"], stdin: strict)
            #expect(result.status != 0)
            #expect(result.stderr.contains("strict decoding error: unknown field \"spec.bogus\""), "\(result.stderr)")
            #expect(try await server.kubectl(["get", "destination", "strict"]).status != 0)
            result = try await server.kubectl(["create", "--validate=warn", "-f", "-"], stdin: strict)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("Warning: unknown field \"spec.bogus\""), "\(result.stderr)")

            let invalid = """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Destination
                metadata: {name: invalid}
                spec: {stateStoreRef: {kind: Bucket, name: default}, cleanup: sometimes}
                """
            result = try await server.kubectl(["create", "-f", "-"], stdin: invalid)
            #expect(result.status != 0)
            #expect(result.stderr.contains("spec.path: Required value"), "\(result.stderr)")
            #expect(result.stderr.contains("spec.cleanup: Unsupported value: \"sometimes\""), "\(result.stderr)")
            #expect(result.stderr.contains("spec.stateStoreRef.kind: Unsupported value: \"Bucket\""), "\(result.stderr)")
        }
    }
}
