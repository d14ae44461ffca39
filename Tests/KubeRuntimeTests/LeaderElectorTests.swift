import Foundation
import KratixTestSupport
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import KubeRuntime

@Suite struct LeaderElectorTests {
    static func election(_ identity: String) -> LeaderElector.Configuration {
        LeaderElector.Configuration(namespace: "default", name: "test-lock", identity: identity,
                                    leaseDuration: .seconds(6), renewDeadline: .seconds(4), retryPeriod: .milliseconds(500))
    }

    static func manager(_ client: KubeClient, _ identity: String) -> Manager {
        Manager(client: client, configuration: .init(metricsBindAddress: nil, healthProbeBindAddress: nil,
                                                      leaderElection: election(identity)))
    }

    static func holder(_ client: KubeClient) async -> String? {
        guard let lease = try? await client.get(.leases, name: "test-lock", namespace: "default") else { return nil }
        return LeaseRecord(lease: lease).holderIdentity
    }

    @Test func exactlyOneLeadsAKilledLeaderIsReplacedWithinTheLeaseAndACleanShutdownHandsOverAtOnce() async throws {
        try await TestAPIServer.with(tls: true) { server in
            try await withClient(server) { first in
                try await withClient(server) { second in
                    try await withClient(server) { third in
                        let a = Self.manager(first, "a")
                        let b = Self.manager(second, "b")
                        let runA = Task { try await a.run() }
                        let runB = Task { try await b.run() }
                        #expect(await eventually(timeout: .seconds(30)) { a.isLeading || b.isLeading })
                        try await Task.sleep(for: .milliseconds(600))
                        #expect(a.isLeading != b.isLeading, "exactly one manager leads")
                        let (leader, leaderTask, standby, standbyTask) = a.isLeading ? (a, runA, b, runB) : (b, runB, a, runA)
                        #expect(await Self.holder(first) == leader.elector?.configuration.identity)

                        // Killed: cancelled without releasing the lease.
                        let killed = ContinuousClock.now
                        leaderTask.cancel()
                        _ = await leaderTask.result
                        #expect(await eventually(timeout: .seconds(20)) { standby.isLeading })
                        let takeover = ContinuousClock.now - killed
                        // Not before the 6 s lease has run out from the standby's last sight of a renewal
                        // (at most a 0.6 s retry before the kill), and not much after it (room for a
                        // loaded machine running every suite at once; the timings are wide for the same
                        // reason: a 2 s renew deadline was missed there).
                        #expect(takeover >= .milliseconds(5200), "a live lease was taken after \(takeover)")
                        #expect(takeover <= .seconds(16), "took \(takeover)")

                        // A clean shutdown hands over at once: `d` leads (after the killed one's lease
                        // runs out), `c` stands by, `d` shuts down gracefully and releases the lease.
                        standbyTask.cancel()
                        _ = await standbyTask.result
                        let d = Self.manager(second, "d")
                        let c = Self.manager(third, "c")
                        let group = ServiceGroup(services: [d], logger: Logger(label: "test"))
                        let groupTask = Task { try await group.run() }
                        #expect(await eventually(timeout: .seconds(16)) { d.isLeading })
                        let runC = Task { try await c.run() }
                        try await Task.sleep(for: .milliseconds(500))
                        #expect(!c.isLeading)
                        await group.triggerGracefulShutdown()
                        _ = await groupTask.result
                        // Released, not left to expire: the record no longer names `d` (or already names `c`).
                        #expect(await Self.holder(first) != "d", "the lease is released on a clean shutdown")
                        #expect(await eventually(timeout: .seconds(4)) { c.isLeading }, "a released lease is taken at c's next retry, not after the 6 s lease")
                        runC.cancel()
                        _ = await runC.result
                    }
                }
            }
        }
    }
}
