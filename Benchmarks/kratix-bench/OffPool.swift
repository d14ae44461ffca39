import Foundation

/// Runs a blocking `body` (a `waitpid`, a pipe read) on a thread of its own and resumes with its
/// result. On Linux Swift concurrency has one thread per core, so a synchronous wait on it would
/// stall the very controllers and runner the platform bench is measuring.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
