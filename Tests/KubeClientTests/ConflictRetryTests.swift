import Synchronization
import Testing
@testable import KubeClient

@Suite struct ConflictRetryTests {
    static let conflict = ClientError.conflict(APIStatus(code: 409, reason: "Conflict", message: "the object has been modified"))
    static let invalid = ClientError.invalid(APIStatus(code: 422, reason: "Invalid", message: "spec.names: field is immutable"))

    /// A body that fails with each error of `script` in turn, then answers its call count.
    final class Scripted: Sendable {
        let calls = Mutex(0)
        let script: [ClientError]
        init(_ script: [ClientError]) { self.script = script }

        func call() throws(ClientError) -> Int {
            let n = calls.withLock { calls in
                calls += 1
                return calls
            }
            if n <= script.count { throw script[n - 1] }
            return n
        }
    }

    @Test func conflictsAreTriedAgainUntilTheBodySucceeds() async throws {
        let body = Scripted([Self.conflict, Self.conflict])
        let result = try await ConflictRetry.run { () throws(ClientError) in try body.call() }
        #expect(result == 3)
        #expect(body.calls.withLock { $0 } == 3)
    }

    @Test func theLastConflictIsThrownAfterFiveAttempts() async {
        let body = Scripted(Array(repeating: Self.conflict, count: 10))
        await #expect(throws: ClientError.self) { try await ConflictRetry.run { () throws(ClientError) in try body.call() } }
        #expect(body.calls.withLock { $0 } == ConflictRetry.defaultAttempts)
        #expect(ConflictRetry.defaultAttempts == 5, "client-go's DefaultRetry.Steps")
    }

    @Test func anyOtherErrorIsThrownAtOnce() async {
        let body = Scripted([Self.conflict, Self.invalid, Self.conflict])
        do {
            _ = try await ConflictRetry.run { () throws(ClientError) in try body.call() }
            Issue.record("an invalid object is not retried into success")
        } catch {
            guard case .invalid = error else {
                Issue.record("expected the invalid error, got \(error)")
                return
            }
        }
        #expect(body.calls.withLock { $0 } == 2)
    }
}
