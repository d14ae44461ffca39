import Foundation
import KratixAPI
import KratixStateStore
import KubeClient
import KubeModel
import KubeRuntime
import Logging

/// What the state-store reconciler needs from GitStateStore and BucketStateStore.
public protocol ReconciledStateStore: KratixResource {
    static var referenceKind: StateStoreReference.Kind { get }
    var status: StateStoreStatus? { get set }
    /// The Secret holding credentials, when the store's auth method reads one.
    var credentialsSecret: SecretReference? { get }
    /// Builds the store's writer.
    func makeWriter(_ factory: any StateStoreWriterFactory, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter
    /// The `ErrorInitialisingWriter` message prefix (`unable to create git writer`).
    static var writerDescription: String { get }
}

extension GitStateStore: ReconciledStateStore {
    public static var referenceKind: StateStoreReference.Kind { .gitStateStore }
    public static var writerDescription: String { "git writer" }

    /// Upstream reads the Secret for every auth method.
    public var credentialsSecret: SecretReference? { spec.secretRef }

    public func makeWriter(_ factory: any StateStoreWriterFactory, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter {
        try await factory.gitWriter(for: self, secretData: secretData)
    }
}

extension BucketStateStore: ReconciledStateStore {
    public static var referenceKind: StateStoreReference.Kind { .bucketStateStore }
    public static var writerDescription: String { "bucket writer" }

    /// `IAM` takes credentials from the environment; only `accessKey` reads the Secret.
    public var credentialsSecret: SecretReference? { spec.effectiveAuthMethod == .accessKey ? spec.secretRef : nil }

    public func makeWriter(_ factory: any StateStoreWriterFactory, secretData: [String: [UInt8]]) async throws(StateStoreError) -> any StateStoreWriter {
        try await factory.bucketWriter(for: self, secretData: secretData)
    }
}

/// Makes a state store ready (spec §6.1): reads its Secret, builds a writer, checks that it may
/// write, and registers the writer in the ``StateStoreRegistry`` for Destinations and
/// WorkPlacements. Every failure clears the registration, sets `Ready` False with a reason, and
/// records a Warning event; messages name Secrets and keys, never their values.
///
/// Triggers the manager should wire: generation changes of the store, and events on the Secret its
/// `secretRef` names (a missing Secret is not retried on a timer).
public struct StateStoreReconciler<Store: ReconciledStateStore>: Sendable {
    public let client: KubeClient
    public let registry: StateStoreRegistry
    public let factory: any StateStoreWriterFactory
    let events: SchedulingEventSink
    let logger: Logger

    public init(client: KubeClient, events: EventRecorder, registry: StateStoreRegistry,
                factory: any StateStoreWriterFactory = DefaultStateStoreWriterFactory(),
                logger: Logger = Logger(label: "kratix.controller.statestore")) {
        self.client = client
        self.registry = registry
        self.factory = factory
        self.events = SchedulingEventSink(recorder: events, logger: logger)
        self.logger = logger
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let stores = client.api(Store.self)
        let storeKey = StateStoreRegistry.StoreKey(kind: Store.referenceKind, name: key.name)
        guard let store = try await stores.getOptional(key.name) else {
            await registry.remove(storeKey)
            return .done
        }
        let generation = store.metadata.generation ?? 0

        // 1. Credentials.
        var secretData: [String: [UInt8]] = [:]
        var secretVersion: String?
        if let reference = store.credentialsSecret, let name = reference.name, !name.isEmpty {
            let namespace = reference.effectiveNamespace
            switch await fetchSecret(name: name, namespace: namespace) {
            case .found(let data, let version):
                secretData = data
                secretVersion = version
            case .missing:
                await registry.remove(storeKey)
                // No timed retry: the Secret's creation triggers the next pass.
                return try await fail(store, StateStoreConditions.secretNotFound(name: name, namespace: namespace), then: .done)
            case .failed(let detail):
                await registry.remove(storeKey)
                return try await fail(store, StateStoreConditions.secretError("Error fetching Secret \(name) in namespace \(namespace): \(detail)"),
                                      then: .requeueAfter(SchedulingTimings.defaultRequeue))
            }
        }

        // 2. A changed spec drops the old writer.
        if generation != store.status?.observedGeneration { await registry.remove(storeKey) }

        // 3. The writer: reused when built from the same generation and Secret version.
        let fingerprint = StateStoreRegistry.Fingerprint(generation: generation, secretResourceVersion: secretVersion)
        let writer: any StateStoreWriter
        if let cached = await registry.writer(for: storeKey, fingerprint: fingerprint) {
            writer = cached
        } else {
            do {
                writer = try await store.makeWriter(factory, secretData: secretData)
            } catch {
                await registry.remove(storeKey)
                return try await fail(store, StateStoreConditions.writerFailed("unable to create \(Store.writerDescription): \(error)"),
                                      then: .requeueAfter(SchedulingTimings.defaultRequeue))
            }
        }

        // 4. Write access, under the store's lock.
        do {
            try await registry.withLock(storeKey) { () async throws(StateStoreError) in try await writer.validatePermissions() }
        } catch {
            await registry.remove(storeKey)
            return try await fail(store, Self.validationCondition(error), then: .requeueAfter(SchedulingTimings.defaultRequeue))
        }

        // 5. Ready.
        await registry.register(writer, for: storeKey, fingerprint: fingerprint)
        var updated = store
        var status = updated.status ?? StateStoreStatus()
        StateStoreConditions.apply(StateStoreConditions.storeReady, generation: generation, to: &status)
        await events.record(StateStoreConditions.event(for: StateStoreConditions.storeReady, kind: Store.apiKind, name: store.name), on: store)
        if status != store.status {
            updated.status = status
            if try await !Self.updateStatus(stores, updated) { return .requeueAfter(SchedulingTimings.fastRequeue) }
        }
        return .done
    }

    /// False when the write lost a race (conflict).
    private static func updateStatus(_ stores: Api<Store>, _ store: Store) async throws(ClientError) -> Bool {
        do {
            _ = try await stores.updateStatus(store)
            return true
        } catch {
            if case .conflict = error { return false }
            throw error
        }
    }

    private enum SecretLookup {
        case found([String: [UInt8]], resourceVersion: String?)
        case missing
        case failed(String)
    }

    private func fetchSecret(name: String, namespace: String) async -> SecretLookup {
        do {
            let secret = try await client.get(.secrets, name: name, namespace: namespace)
            return .found(SecretValues.decode(secret), resourceVersion: secret.resourceVersion)
        } catch {
            if case .notFound = error { return .missing }
            return .failed(error.description)
        }
    }

    /// Git reads a repository while validating, so an authentication failure there is the clone
    /// failing (`ErrorInitialisingWriter`); everything else is a permission check failure.
    static func validationCondition(_ error: StateStoreError) -> Condition {
        if Store.referenceKind == .gitStateStore && error.isAuthenticationFailure {
            return StateStoreConditions.writerFailed("unable to clone repository: \(error)")
        }
        if case .permissionValidationFailed = error.reason {
            return StateStoreConditions.permissionsFailed(error.description)
        }
        return StateStoreConditions.permissionsFailed("write permission validation failed: \(error)")
    }

    private func fail(_ store: Store, _ condition: Condition, then action: ReconcileAction) async throws -> ReconcileAction {
        logger.warning("state store not ready", metadata: ["store": "\(Store.apiKind)/\(store.name)", "reason": "\(condition.reason ?? "")",
                                                          "message": "\(condition.message ?? "")"])
        await events.record(StateStoreConditions.event(for: condition, kind: Store.apiKind, name: store.name), on: store)
        var updated = store
        var status = updated.status ?? StateStoreStatus()
        guard StateStoreConditions.apply(condition, generation: store.metadata.generation, to: &status) else { return action }
        updated.status = status
        if try await !Self.updateStatus(client.api(Store.self), updated) { return .requeueAfter(SchedulingTimings.fastRequeue) }
        return action
    }
}

public typealias GitStateStoreReconciler = StateStoreReconciler<GitStateStore>
public typealias BucketStateStoreReconciler = StateStoreReconciler<BucketStateStore>
