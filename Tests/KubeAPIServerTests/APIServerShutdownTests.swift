import Foundation
import KratixTestSupport
import Testing

@testable import KubeAPIServer

/// Issue 14: a client connecting while the server stops must not kill the process ("Deinited
/// NIOAsyncWriter without calling finish()"). Each round stops a server while a storm of clients
/// connects; surviving all rounds is the check, with the storm's connections and the closed port as
/// proof that each round raced for real.
@Suite(.serialized) struct APIServerShutdownTests {
    static let rounds = 50

    @Test(arguments: [false, true]) func survivesClientsConnectingWhileItStops(tls: Bool) async throws {
        let store = try ObjectStore(dataDirectory: nil)
        var configuration = APIServer.Configuration()
        configuration.credentials = tls ? try ServerCredentials.generate(hosts: ["127.0.0.1"]) : nil
        let problems = try await ConnectionStorm.raceShutdowns(rounds: Self.rounds) {
            let bound = try await APIServer(configuration: configuration, handler: APIHandler(store: store)).bind()
            let listener = bound.listener
            return .init(port: bound.port, serving: Task { try await bound.run() }, isListening: { listener.isListening })
        }
        #expect(problems.isEmpty, "\(problems)")
    }
}
