import ChildProcesses
#if canImport(Glibc)
import Glibc
#endif

/// A connection every container holds one end of while this process holds the other, so that a
/// container notices when the runner dies (even by SIGKILL, which no handler sees) and kills itself.
///
/// The runner keeps the writing end for its whole life, close-on-exec and never handed to a child;
/// each container's first shell gets the reading end as descriptor 3 and leaves a watcher blocked on
/// it. The kernel closes the writing end when the runner dies, the watcher reads end-of-file and
/// kills every process of the container (its PID namespace, or its process group without one). A
/// parent-death signal would not do: it fires when the *thread* that spawned the child exits, and
/// the threads of Swift's cooperative pool come and go.
struct ContainerLifeline: Sendable {
    /// What a container's descriptor 3 is (``ChildProcess/spawn`` `inheritedFD`).
    let containerEnd: Int32
    /// Held and never written; closed only by the process's death.
    let runnerEnd: Int32

    /// The process's one lifeline, made on first use; `nil` if no socket could be made (containers
    /// then run without a watcher, as before).
    static let shared: ContainerLifeline? = {
        guard let channel = try? ChildProcess.makeOutputChannel() else { return nil }
        return ContainerLifeline(containerEnd: channel.read, runnerEnd: channel.write)
    }()
}
