import Foundation
import KratixTestSupport
import Testing

@testable import KubeRuntime

/// Issue 14: the manager's probe server survives clients connecting while it stops (see
/// APIServerShutdownTests for the crash this guards against).
@Suite(.serialized) struct ProbeServerShutdownTests {
    @Test func survivesClientsConnectingWhileItStops() async throws {
        let server = ProbeServer(routes: ["/healthz": { .text(200, "ok") }])
        for round in 0..<50 {
            let bound = try await server.bind(host: "127.0.0.1", port: 0)
            let serving = Task { try await bound.run() }
            let storm = ConnectionStorm(port: bound.port)
            storm.start()
            #expect(await storm.waitForConnections(3) >= 3, "round \(round): no client got in")
            serving.cancel()
            _ = await serving.result
            #expect(!bound.listener.isListening, "round \(round): still listening after run() returned")
            _ = await storm.stop()
        }
    }
}
