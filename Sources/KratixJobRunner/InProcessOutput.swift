import Synchronization

/// The output of an in-process container, kept for its termination message as a process's is.
/// A class because the program's log callback and the runner share it; its state is behind a Mutex.
final class InProcessOutput: Sendable {
    private let state = Mutex(OutputTail())

    func append(_ bytes: [UInt8]) { state.withLock { $0.append(bytes) } }

    var tail: OutputTail { state.withLock { $0 } }
}
