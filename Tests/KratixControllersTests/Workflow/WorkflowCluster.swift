import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
@testable import KratixControllers

/// An embedded API server over TLS with the Kratix CRDs installed and a real client, for the
/// workflow and adapter integration tests.
struct WorkflowCluster {
    let server: TestAPIServer
    let client: KubeClient

    static func with<T>(_ body: (WorkflowCluster) async throws -> T) async throws -> T {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration)
            let cluster = WorkflowCluster(server: server, client: client)
            do {
                try await cluster.installKratix()
                let result = try await body(cluster)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    func installKratix() async throws {
        for crd in KratixCRDs.all {
            _ = try await client.create(.customResourceDefinitions, KubeObject(crd.json)!)
        }
        try await createNamespace(KratixGroup.systemNamespace)
    }

    func createNamespace(_ name: String) async throws {
        do {
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: name))
        } catch .alreadyExists {}
    }

    /// The request's CRD, from the Promise's `spec.api` with a status subresource whose unknown
    /// fields are kept (what the Promise controller generates, in short).
    func installAPI(of promise: Promise) async throws {
        guard var crd = promise.spec.api?.objectValue else { throw WorkflowClusterError("the Promise has no API") }
        crd["metadata"] = ["name": crd["metadata"]?["name"] ?? ""]
        var spec = crd["spec"]!.objectValue!
        spec["versions"] = .array((spec["versions"]?.arrayValue ?? []).map { version in
            var v = version.objectValue!
            v["subresources"] = ["status": [:]]
            var schema = v["schema"]?["openAPIV3Schema"]?.objectValue ?? ["type": "object"]
            var properties = schema["properties"]?.objectValue ?? [:]
            properties["status"] = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            schema["properties"] = .object(properties)
            v["schema"] = ["openAPIV3Schema": .object(schema)]
            return .object(v)
        })
        crd["spec"] = .object(spec)
        _ = try await client.create(.customResourceDefinitions, KubeObject(crd))
    }

    /// Creates the core fixture's Promise and request (with its CRD); returns them as stored.
    func createCoreFixture() async throws -> (promise: Promise, request: KubeObject) {
        let fixture = try WorkflowFixtures.corePromise()
        var promise = fixture
        promise.metadata.uid = nil
        let stored = try await client.api(Promise.self).create(promise)
        try await installAPI(of: stored)
        var request = try WorkflowFixtures.coreRequest()
        var metadata = request.json["metadata"]!.objectValue!
        metadata["uid"] = nil
        request.json["metadata"] = .object(metadata)
        let storedRequest = try await client.create(Self.testBundles, request, namespace: "default")
        return (stored, storedRequest)
    }

    static let testBundles = GroupVersionResource(group: "test.kratix.io", version: "v1alpha1", resource: "testbundles")

    /// Marks a Job finished the way the Job controller would.
    func finish(_ job: KubeObject, succeeded: Bool) async throws {
        var object = try await client.get(.jobs, name: job.name ?? "", namespace: job.namespace)
        let type = succeeded ? "Complete" : "Failed"
        object.status = [
            "active": 0, succeeded ? "succeeded" : "failed": 1,
            "conditions": [["type": .string(type), "status": "True"]],
        ]
        _ = try await client.updateStatus(.jobs, object)
    }

    func jobs(namespace: String? = nil, selector: String) async throws -> [KubeObject] {
        try await client.list(.jobs, namespace: namespace, options: ListOptions(labelSelector: selector)).items
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
    }
}

struct WorkflowClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
