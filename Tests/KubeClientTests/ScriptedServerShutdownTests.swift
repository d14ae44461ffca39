import Foundation
import KratixTestSupport
import Testing

/// Issue 14: the test servers survive clients connecting while they stop; the crash this guards
/// against ended a whole `make test` run right after ScriptedServerTests.
@Suite(.serialized) struct ScriptedServerShutdownTests {
    @Test func survivesClientsConnectingWhileItStops() async throws {
        for round in 0..<50 {
            // Returning from the body stops the server while the storm goes on.
            let (server, storm) = try await ScriptedServer.with({ _, _ in .json(200, "{}") }) { server in
                let storm = ConnectionStorm(port: server.listener.port)
                storm.start()
                #expect(await storm.waitForConnections(3) >= 3, "round \(round): no client got in")
                return (server, storm)
            }
            #expect(!server.listener.isListening, "round \(round): still listening after the server stopped")
            _ = await storm.stop()
        }
    }
}
