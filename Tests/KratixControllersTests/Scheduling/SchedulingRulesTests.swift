import Foundation
import KratixAPI
import KratixStateStore
import KubeModel
import Testing
@testable import KratixControllers

@Suite("Static dependencies, health status, store and destination rules, the registry")
struct SchedulingRulesTests {
    // MARK: Static-dependency Work (§2.7)

    @Test func staticDependencyWorkCarriesEveryDependencyAsOneFile() throws {
        var promise = Promise(name: "redis", spec: PromiseSpec(
            dependencies: [["kind": "Namespace", "apiVersion": "v1", "metadata": ["name": "redis-ns"]],
                           ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["namespace": "redis-ns", "name": "cm"], "data": ["b": "2", "a": "true"]]],
            destinationSelectors: [PromiseScheduling(matchLabels: ["env": "dev"]), PromiseScheduling(matchLabels: ["env": "prod", "zone": "eu"])]))
        let work = try #require(StaticDependencyWork.newWork(for: promise, suffix: "abcdef12-3456"))
        #expect(work.name == "redis-static-deps-abcde")
        #expect(work.metadata.namespace == "kratix-platform-system")
        #expect(work.metadata.labels == ["kratix.io/promise-name": "redis", "kratix.io/work-type": "static-dependency"])
        #expect(work.isDependencyWork)
        let group = try #require(work.spec.workloadGroups?.first)
        #expect(work.spec.workloadGroups?.count == 1)
        #expect(group.directory == "." && group.id == "5058f1af8388633f609cadb75a75dc9d")
        #expect(group.destinationSelectors == [WorkloadGroupScheduling(matchLabels: ["env": "dev", "zone": "eu"], source: "promise")])
        let workload = try #require(group.workloads?.first)
        #expect(workload.filepath == "static/redis-dependencies.yaml")
        #expect(SchedFixtures.text(try WorkloadContent.decode(workload.content ?? "")) == """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: redis-ns
            ---
            apiVersion: v1
            data:
              a: "true"
              b: "2"
            kind: ConfigMap
            metadata:
              name: cm
              namespace: redis-ns

            """)
        promise.spec.destinationSelectors = nil
        #expect(StaticDependencyWork.spec(for: promise)?.workloadGroups?.first?.destinationSelectors == nil)
        promise.spec.dependencies = []
        #expect(StaticDependencyWork.spec(for: promise) == nil)
    }

    @Test func generatedNamesAreCutLikeUpstream() {
        let long = String(repeating: "a", count: 60) + "-static-deps"
        let name = StaticDependencyWork.generatedName(long, suffix: "12345678")
        #expect(name == String(repeating: "a", count: 56) + "-12345")
        #expect(StaticDependencyWork.generatedName(String(repeating: "b", count: 55) + "-.-x", suffix: "9") == String(repeating: "b", count: 55) + "-9")
    }

    // MARK: Health (§10)

    static func record(_ name: String, _ state: HealthRecordData.State?, resource: String = "example", namespace: String = "default",
                       lastRun: Int64? = 100, details: JSONValue? = nil) -> HealthRecord {
        var data = HealthRecordData()
        data.promiseRef = .init(name: "redis")
        data.resourceRef = .init(name: resource, namespace: namespace)
        data.state = state
        data.lastRun = lastRun
        data.details = details
        return HealthRecord(name: name, namespace: "default", data: data)
    }

    @Test(arguments: [
        ([HealthRecordData.State](), HealthRecordData.State.ready),
        ([.healthy, .ready], .healthy),
        ([.ready, .unknown, .healthy], .unknown),
        ([.healthy, .degraded, .unknown], .degraded),
        ([.degraded, .unhealthy, .ready], .unhealthy),
    ])
    func worstStateWins(_ states: [HealthRecordData.State], _ expected: HealthRecordData.State) {
        let records = states.enumerated().map { Self.record("r\($0.offset)", $0.element) }
        #expect(HealthStatusSummary.state(of: records) == expected)
    }

    @Test func healthStatusListsTheRecordsOfOneResource() {
        let all = [Self.record("b", .unhealthy, details: ["reason": "disk", "nested": ["x": 1]]), Self.record("a", nil, lastRun: nil),
                   Self.record("other", .unhealthy, resource: "other"), Self.record("elsewhere", .unhealthy, namespace: "team")]
        let mine = HealthStatusSummary.records(all, forResource: "example", namespace: "default")
        #expect(mine.map(\.name) == ["a", "b"])
        #expect(HealthStatusSummary.healthStatus(for: mine) == [
            "state": "unhealthy",
            "healthRecords": [
                ["state": "unknown", "lastRun": 0, "source": ["name": "a", "namespace": "default"]],
                ["state": "unhealthy", "lastRun": 100, "source": ["name": "b", "namespace": "default"],
                 "details": ["reason": "disk", "nested": ["x": 1]]],
            ],
        ])
        #expect(HealthStatusSummary.lists(HealthStatusSummary.healthStatus(for: mine), record: all[0]))
        #expect(!HealthStatusSummary.lists(HealthStatusSummary.healthStatus(for: mine), record: all[2]))
        #expect(HealthStatusSummary.event(previousState: nil, record: all[0]) == .warning("HealthRecord", "Health state is unhealthy"))
        #expect(HealthStatusSummary.event(previousState: "unhealthy", record: all[0]) == nil)
        #expect(HealthStatusSummary.event(previousState: "unhealthy", record: Self.record("c", .healthy)) == .normal("HealthRecord", "Health state is healthy"))
    }

    // MARK: Conditions of stores and Destinations (§5.3, §6.1)

    @Test func stateStoreConditions() {
        var status = StateStoreStatus()
        #expect(StateStoreConditions.apply(StateStoreConditions.secretNotFound(name: "creds", namespace: "default"), generation: 2, to: &status))
        #expect(status.status == "NotReady" && status.observedGeneration == nil)
        #expect(status.conditions?[type: "Ready"]?.message == "Secret creds not found in namespace default")
        #expect(StateStoreConditions.apply(StateStoreConditions.storeReady, generation: 2, to: &status))
        #expect(status.status == "Ready" && status.observedGeneration == 2)
        #expect(status.conditions?[type: "Ready"].map { [$0.reason, $0.message] } == ["StateStoreReady", "State store is ready"])
        #expect(!StateStoreConditions.apply(StateStoreConditions.storeReady, generation: 2, to: &status))
        #expect(StateStoreConditions.event(for: StateStoreConditions.storeReady, kind: "GitStateStore", name: "default")
            == .normal("Ready", "GitStateStore \"default\" is ready"))
        #expect(StateStoreConditions.event(for: StateStoreConditions.permissionsFailed("write permission validation failed: x"), kind: "BucketStateStore", name: "b")
            == .warning("NotReady", "Error validating state store permissions: write permission validation failed: x"))
    }

    @Test func storeValidationFailuresAreClassified() {
        let auth = StateStoreError(.authenticationFailed(target: "https://h/r.git", detail: "401"))
        #expect(GitStateStoreReconciler.validationCondition(auth).reason == "ErrorInitialisingWriter")
        #expect(GitStateStoreReconciler.validationCondition(auth).message?.hasPrefix("unable to clone repository: ") == true)
        #expect(BucketStateStoreReconciler.validationCondition(auth).reason == "ErrorValidatingPermissions")
        #expect(BucketStateStoreReconciler.validationCondition(auth).message?
            .hasPrefix("Error validating state store permissions: write permission validation failed: ") == true)
        let denied = StateStoreError(.permissionValidationFailed("S3 denied"))
        #expect(GitStateStoreReconciler.validationCondition(denied).message
            == "Error validating state store permissions: write permission validation failed: S3 denied")
    }

    @Test func destinationConditions() {
        let ref = StateStoreReference(kind: .gitStateStore, name: "x")
        #expect(DestinationConditions.storeNotReady(ref).message == "GitStateStore/x: not ready")
        #expect(DestinationConditions.storeNotFound(ref).reason == "StateStoreNotFound")
        #expect(DestinationConditions.storeNotFound(ref).message == "GitStateStore/x: not found")
        #expect(DestinationConditions.event(for: DestinationConditions.storeNotReady(ref)) == .warning("DestinationNotReady", "GitStateStore/x: not ready"))
        #expect(DestinationConditions.event(for: DestinationConditions.testDocumentsWritten) == .normal("DestinationReady", "Destination is Ready"))
        #expect(DestinationConditions.writeFailed("boom").message == "Failed to write test documents to State Store: boom")
        #expect(DestinationConditions.readyWithoutTestDocuments.reason == "DestinationReady")
        #expect(DestinationConditions.readyWithoutTestDocuments.message == "Destination is ready")
    }

    // MARK: Registry

    /// Records how many writers run at once.
    final class Recorder: StateStoreWriter, @unchecked Sendable {
        // `@unchecked Sendable`: every field is guarded by `lock`.
        private let lock = NSLock()
        private var running = 0
        private(set) var maximum = 0

        func update(_ update: StateStoreUpdate) async throws(StateStoreError) -> WriteResult {
            lock.withLock { running += 1; maximum = max(maximum, running) }
            try? await Task.sleep(for: .milliseconds(5))
            lock.withLock { running -= 1 }
            return WriteResult(versionID: "", changed: false)
        }

        func readFile(_ path: String) async throws(StateStoreError) -> [UInt8]? { nil }
        func validatePermissions() async throws(StateStoreError) {}
        var peak: Int { lock.withLock { maximum } }
    }

    @Test func registrySerialisesOneStoreAndKeysByFingerprint() async throws {
        let registry = StateStoreRegistry()
        let key = StateStoreRegistry.StoreKey(kind: .gitStateStore, name: "default")
        let writer = Recorder()
        #expect(await registry.withWriter(key) { _ in 1 } == nil) // a miss before registration
        let fingerprint = StateStoreRegistry.Fingerprint(generation: 1, secretResourceVersion: "10")
        await registry.register(writer, for: key, fingerprint: fingerprint)
        #expect(await registry.writer(for: key, fingerprint: fingerprint) != nil)
        #expect(await registry.writer(for: key, fingerprint: .init(generation: 1, secretResourceVersion: "11")) == nil)
        #expect(await registry.writer(for: key, fingerprint: .init(generation: 2, secretResourceVersion: "10")) == nil)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    _ = try? await registry.withWriter(key) { w in try await w.update(StateStoreUpdate(name: "x")) }
                }
            }
        }
        #expect(writer.peak == 1)
        await registry.remove(key)
        #expect(await registry.writer(for: key) == nil)
    }
}
