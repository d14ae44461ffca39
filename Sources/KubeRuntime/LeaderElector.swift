import Foundation
import KubeClient
import KubeModel
import Logging
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, with client-go's defaults (lease 15 s,
/// renew deadline 10 s, retry 2 s): `acquire()` returns once this process leads, `hold()` renews
/// until cancelled and throws `LeadershipLost` if it cannot, and `release()` hands the lease over at
/// once on a clean shutdown.
public final class LeaderElector: Sendable {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name: String
        public var identity: String
        public var leaseDuration: Duration
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        public init(namespace: String, name: String, identity: String = LeaderElector.defaultIdentity(),
                    leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    public struct LeadershipLost: Error, CustomStringConvertible {
        public var lease: String
        public var description: String { "leader election lost: the Lease \(lease) was not renewed within the renew deadline" }
    }

    /// `hostname_uuid`, as controller-runtime.
    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.lowercased())"
    }

    public let configuration: Configuration
    private let client: KubeClient
    private let logger: Logger
    private let machine: Mutex<StateMachine>

    public init(client: KubeClient, configuration: Configuration, logger: Logger = Logger(label: "kratix.leader-election")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.machine = Mutex(StateMachine(identity: configuration.identity, leaseDuration: configuration.leaseDuration,
                                          renewDeadline: configuration.renewDeadline))
    }

    public var isLeader: Bool { machine.withLock { $0.isLeader } }

    private var leaseName: String { "\(configuration.namespace)/\(configuration.name)" }

    /// One attempt to acquire or renew; true when this process leads afterwards.
    func tryAcquireOrRenew() async -> Bool {
        do {
            var lease: KubeObject?
            do {
                lease = try await client.get(.leases, name: configuration.name, namespace: configuration.namespace)
            } catch .notFound {
                lease = nil
            }
            let current = lease.map(LeaseRecord.init(lease:))
            let decision = machine.withLock { $0.decide(current: current, now: .now, wallClock: Date()) }
            switch decision {
            case .standby(let holder):
                logger.trace("lease \(leaseName) is held by \(holder)")
                return false
            case .create(let record):
                var object = KubeObject(apiVersion: "coordination.k8s.io/v1", kind: "Lease", name: configuration.name, namespace: configuration.namespace)
                record.apply(to: &object)
                _ = try await client.create(.leases, object, namespace: configuration.namespace)
                machine.withLock { $0.written(record, now: .now) }
            case .update(let record):
                guard var object = lease else { return false }
                record.apply(to: &object)
                _ = try await client.update(.leases, object)
                machine.withLock { $0.written(record, now: .now) }
            }
            return true
        } catch {
            logger.debug("could not acquire or renew lease \(leaseName): \(error)")
            return false
        }
    }

    /// Returns once this process holds the lease (throws only on cancellation).
    public func acquire() async throws {
        logger.info("attempting to acquire leader lease \(leaseName)", metadata: ["identity": "\(configuration.identity)"])
        while true {
            try Task.checkCancellation()
            if await tryAcquireOrRenew() {
                logger.info("successfully acquired lease \(leaseName)")
                return
            }
            try await Task.sleep(for: jittered(configuration.retryPeriod))
        }
    }

    /// Renews every retry period until cancelled (returns) or until the renew deadline passes
    /// without a successful renewal (throws `LeadershipLost`).
    public func hold() async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.retryPeriod) } catch { return }
            if await tryAcquireOrRenew() { continue }
            if machine.withLock({ $0.renewalFailed(now: .now) }) {
                logger.error("leader election lost", metadata: ["lease": "\(leaseName)"])
                throw LeadershipLost(lease: leaseName)
            }
        }
    }

    /// Gives the lease up so another candidate takes over at once.
    public func release() async {
        guard let record = machine.withLock({ $0.release(wallClock: Date()) }) else { return }
        // A renewal cancelled a moment ago may still land first: on a conflict, read again and retry.
        for attempt in 1...3 {
            do {
                var lease = try await client.get(.leases, name: configuration.name, namespace: configuration.namespace)
                guard LeaseRecord(lease: lease).holderIdentity == configuration.identity else { return }
                record.apply(to: &lease)
                _ = try await client.update(.leases, lease)
                logger.info("released lease \(leaseName)")
                return
            } catch .conflict where attempt < 3 {
                continue
            } catch {
                logger.warning("could not release lease \(leaseName): \(error)")
                return
            }
        }
    }

    private func jittered(_ d: Duration) -> Duration { d * Double.random(in: 1.0...1.2) }
}
