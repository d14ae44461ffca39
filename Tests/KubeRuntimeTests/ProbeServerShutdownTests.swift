import Foundation
import KratixTestSupport
import Testing

@testable import KubeRuntime

/// Issue 14: the manager's probe server survives clients connecting while it stops (see
/// APIServerShutdownTests for the crash this guards against).
@Suite(.serialized) struct ProbeServerShutdownTests {
    @Test func survivesClientsConnectingWhileItStops() async throws {
        let server = ProbeServer(routes: ["/healthz": { .text(200, "ok") }])
        let problems = try await ConnectionStorm.raceShutdowns(rounds: 50) {
            let bound = try await server.bind(host: "127.0.0.1", port: 0)
            let listener = bound.listener
            return .init(port: bound.port, serving: Task { try await bound.run() }, isListening: { listener.isListening })
        }
        #expect(problems.isEmpty, "\(problems)")
    }
}
