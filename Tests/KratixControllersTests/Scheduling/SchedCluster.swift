import Foundation
import KratixAPI
import KratixTestSupport
import KubeClient
import KubeModel
import KubeRuntime
import Logging
@testable import KratixControllers

/// An embedded API server over TLS with the Kratix CRDs, a real client, an event recorder and a
/// state-store registry: everything the scheduling reconcilers need, for one test.
struct SchedCluster {
    let server: TestAPIServer
    let client: KubeClient
    let recorder: EventRecorder
    let registry = StateStoreRegistry()
    /// A private Git clone directory, so parallel tests never share clones.
    let scratch: String

    static func with<T>(_ body: (SchedCluster) async throws -> T) async throws -> T {
        try await TestAPIServer.with(tls: true) { server in
            var configuration = try ClientConfiguration.fromKubeconfig(path: server.kubeconfig)
            configuration.qps = 0
            let client = try KubeClient(configuration: configuration)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-sched-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let cluster = SchedCluster(server: server, client: client, recorder: EventRecorder(client: client, component: "kratix-test"),
                                       scratch: scratch)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            do {
                for crd in KratixCRDs.all {
                    _ = try await client.create(.customResourceDefinitions, KubeObject(crd.json)!)
                }
                try await cluster.createNamespace(KratixGroup.systemNamespace)
                let result = try await body(cluster)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    func createNamespace(_ name: String) async throws {
        do {
            _ = try await client.create(.namespaces, KubeObject(apiVersion: "v1", kind: "Namespace", name: name))
        } catch .alreadyExists {}
    }

    // MARK: Reconcilers wired to this cluster

    var factory: DefaultStateStoreWriterFactory {
        DefaultStateStoreWriterFactory(gitCacheDirectory: scratch + "/clones", gitMinimumFetchInterval: .zero)
    }

    var works: WorkReconciler { WorkReconciler(client: client, events: recorder, scheduler: WorkScheduler(pickIndex: { _ in 0 })) }
    var placements: WorkPlacementReconciler { WorkPlacementReconciler(client: client, events: recorder, registry: registry) }
    var destinations: DestinationReconciler { DestinationReconciler(client: client, events: recorder, registry: registry) }
    var gitStores: GitStateStoreReconciler { GitStateStoreReconciler(client: client, events: recorder, registry: registry, factory: factory) }
    var bucketStores: BucketStateStoreReconciler {
        BucketStateStoreReconciler(client: client, events: recorder, registry: registry, factory: factory)
    }

    func settleWork(_ name: String, namespace: String = "default") async throws -> ReconcileAction {
        let key = ObjectKey(namespace: namespace, name: name)
        _ = try await works.reconcile(key) // adds the finalizer
        return try await works.reconcile(key)
    }

    // MARK: Objects

    func create<R: KratixResource>(_ object: R) async throws -> R {
        try await client.api(R.self, namespace: object.metadata.namespace).create(object)
    }

    func get<R: KratixResource>(_ type: R.Type, _ name: String, namespace: String? = nil) async throws -> R {
        try await client.api(R.self, namespace: namespace).get(name)
    }

    func exists<R: KratixResource>(_ type: R.Type, _ name: String, namespace: String? = nil) async throws -> Bool {
        do {
            _ = try await client.api(R.self, namespace: namespace).get(name)
            return true
        } catch .notFound {
            return false
        }
    }

    func delete<R: KratixResource>(_ type: R.Type, _ name: String, namespace: String? = nil) async throws {
        try await client.api(R.self, namespace: namespace).delete(name)
    }

    func placements(of work: String, namespace: String = "default") async throws -> [WorkPlacement] {
        try await client.api(WorkPlacement.self, namespace: namespace).list(ListOptions(labelSelector: "kratix.io/work=\(work)")).items
            .sorted { $0.name < $1.name }
    }

    func secret(_ name: String, namespace: String = "default", _ data: [String: String]) async throws {
        var object = KubeObject(apiVersion: "v1", kind: "Secret", name: name, namespace: namespace)
        object.json["data"] = .object(JSONObject(uniqueKeysWithValues: data.sorted { $0.key < $1.key }
            .map { ($0.key, JSONValue.string(Data($0.value.utf8).base64EncodedString())) }))
        _ = try await client.create(.secrets, object, namespace: namespace)
    }

    /// `reason: message` of every Event about the named object, oldest first.
    func events(about name: String) async throws -> [String] {
        try await client.list(.events).items
            .filter { $0.json["involvedObject"]?["name"]?.stringValue == name }
            .sorted { ($0.json["firstTimestamp"]?.stringValue ?? "", $0.name ?? "") < ($1.json["firstTimestamp"]?.stringValue ?? "", $1.name ?? "") }
            .map { "\($0.json["type"]?.stringValue ?? "") \($0.json["reason"]?.stringValue ?? ""): \($0.json["message"]?.stringValue ?? "")" }
    }

    // MARK: Stores

    /// A GitStateStore on a local bare repository, reconciled to Ready.
    func readyGitStore(_ repo: SchedBareRepo, name: String = "default", path: String? = nil) async throws -> GitStateStore {
        var store = GitStateStore(name: name, spec: GitStateStoreSpec(url: repo.url, branch: "main"))
        store.spec.path = path
        _ = try await create(store)
        let action = try await gitStores.reconcile(ObjectKey(name: name))
        let stored = try await get(GitStateStore.self, name)
        guard action == .done, stored.status?.status == "Ready" else {
            throw TestShell.Failure(description: "store not ready: \(action) \(String(describing: stored.status))")
        }
        return stored
    }

    /// A Destination reconciled until it is Ready (canary written).
    @discardableResult
    func readyDestination(_ destination: Destination) async throws -> Destination {
        _ = try await create(destination)
        let key = ObjectKey(name: destination.name)
        for _ in 0..<4 { _ = try await destinations.reconcile(key) }
        return try await get(Destination.self, destination.name)
    }
}
