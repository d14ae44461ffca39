import Foundation

/// Runs blocking work (a child's pipes, `waitpid`, a polling loop) on a thread of its own and
/// awaits it. The cooperative pool has one thread per core, two here: a test that blocks one of them
/// while it waits for `git` or `kubectl` stalls every other suite running in parallel, including the
/// servers those programs talk to.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// `offPool` for work that cannot fail.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
